import AMI
import PBXTestSupport
import Testing

/// The `call-features/` captures (park, transfers, hold, DND, ringall, queue statistics) get
/// their golden replays later; until then the decoder must at least read every byte of them.
@Suite struct CallFeatureTranscriptDecodingTests {
    /// Should find the seven call-feature captures in their own folder, apart from the
    /// top-level transcripts the golden replays list.
    @Test func listsCallFeatureTranscriptsApart() throws {
        let names = try Fixtures.callFeatureTranscriptNames()
        #expect(
            names == [
                "call-features/attended-transfer.ami", "call-features/blind-transfer.ami",
                "call-features/dnd-astdb.ami", "call-features/hold.ami", "call-features/park-pickup.ami",
                "call-features/queue-stats.ami", "call-features/ringall-two-agents.ami",
            ])
        let topLevel = try Fixtures.transcriptNames()
        #expect(!topLevel.isEmpty)
        #expect(topLevel.allSatisfy { !$0.contains("/") })
    }

    /// Should decode every call-feature capture into the same frames one byte at a time as
    /// all at once, with no malformed packet and one packet per blank-line-ended block.
    @Test(arguments: try Fixtures.callFeatureTranscriptNames())
    func decodesCallFeatureTranscript(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let whole = try decodeAMIFrames(bytes, chunkSizes: [])
        let single = try decodeAMIFrames(bytes, chunkSizes: [1])
        #expect(single == whole)
        #expect(whole.first == .banner(product: "Asterisk", version: "11.0.0"))
        #expect(!whole.contains { if case .malformed = $0 { true } else { false } })
        #expect(whole.count - 1 == Self.blankLineEndedBlocks(bytes))
    }

    /// Should read each of park-pickup.ami's three Park responses, which Asterisk ends with
    /// `Park successful\n\r\n`, as the message `Park successful` and lose no packet after it.
    @Test func readsParkResponsesWithTheirBareLineFeed() throws {
        let messages = try decodeAMIMessages(Fixtures.bytes("call-features/park-pickup.ami"))
        let parks = messages.indices.filter {
            messages[$0].response == "Success" && messages[$0].actionID?.hasPrefix("park-") == true
        }
        #expect(parks.map { messages[$0].actionID } == ["park-1", "park-2", "park-3"])
        #expect(parks.allSatisfy { messages[$0]["Message"] == "Park successful" })
        // Each Park response is followed by an event of its own, not swallowed into it.
        #expect(parks.allSatisfy { $0 + 1 < messages.count && messages[$0 + 1].eventName != nil })
    }

    /// Counts packets independently of the decoder: blocks of non-blank lines (the banner
    /// shares the first) that a blank line ends, whatever the line ends (CRLF or bare LF).
    static func blankLineEndedBlocks(_ bytes: [UInt8]) -> Int {
        var blocks = 0
        var inBlock = false
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            let blank = line.isEmpty || line == [UInt8(ascii: "\r")]
            if blank, inBlock { blocks += 1 }
            inBlock = !blank
        }
        return blocks
    }
}
