import PBXCore
import Testing

@Suite struct ASCIICaseTests {
    /// Should compare ASCII letters without case and everything else exactly.
    @Test func equalsIgnoresASCIICaseOnly() {
        #expect("Event".caseInsensitiveEquals("eVENT"))
        #expect("EventList".caseInsensitiveEquals("eventlist"[...]))
        #expect(!"Event".caseInsensitiveEquals("Events"))
        #expect(!"Events".caseInsensitiveEquals("Event"))
        #expect("".caseInsensitiveEquals(""))
        #expect(!"[".caseInsensitiveEquals("{"))
        #expect(!"É".caseInsensitiveEquals("é"))
    }

    /// Should find a needle anywhere, ignoring ASCII case.
    @Test func containsIgnoresASCIICase() {
        #expect("Error: Permission Denied".containsCaseInsensitive("permission denied"))
        #expect("permission denied".containsCaseInsensitive("PERMISSION DENIED"))
        #expect(!"Permission".containsCaseInsensitive("permission denied"))
        #expect(!"Filter refused".containsCaseInsensitive("denied"))
        #expect("anything".containsCaseInsensitive(""))
    }
}
