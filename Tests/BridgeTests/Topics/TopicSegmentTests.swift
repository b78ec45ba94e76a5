import Testing

@testable import Bridge

@Suite struct TopicSegmentTests {
    /// Should percent-encode exactly `/ + # NUL %` and keep everything else.
    @Test func escapesOnlyMQTTSpecialCharacters() throws {
        #expect(try TopicSegment.escape("147") == "147")
        #expect(try TopicSegment.escape("a/b+c#d%e\0f") == "a%2Fb%2Bc%23d%25e%00f")
        #expect(try TopicSegment.escape("Zoë Müller") == "Zoë Müller")
    }

    /// Should decode as the exact inverse, for any string.
    @Test(arguments: ["q1", "sales/eu", "100%", "#+/", "ünï ©", "%2F", "a\0b"])
    func roundTrips(id: String) throws {
        #expect(try TopicSegment.unescape(TopicSegment.escape(id)) == id)
    }

    /// Should refuse empty or blank ids and broken escapes.
    @Test func refusesEmptyAndBrokenEscapes() {
        #expect(throws: TopicSegment.Error.empty) { try TopicSegment.escape("") }
        #expect(throws: TopicSegment.Error.empty) { try TopicSegment.escape("  \t") }
        #expect(throws: TopicSegment.Error.invalidEscape("a%2")) { try TopicSegment.unescape("a%2") }
        #expect(throws: TopicSegment.Error.invalidEscape("%zz")) { try TopicSegment.unescape("%zz") }
    }
}
