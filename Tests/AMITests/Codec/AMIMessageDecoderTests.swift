import AMI
import Foundation
import NIOCore
import PBXTestSupport
import Testing

@Suite struct AMIMessageDecoderTests {
    /// Should decode every real transcript identically whether bytes arrive one at a time,
    /// in random chunks, or all at once.
    @Test(arguments: try Fixtures.transcriptNames())
    func decodesTranscriptIdenticallyAtAnyChunking(name: String) throws {
        let bytes = try Fixtures.bytes(name)
        let whole = try decodeAMIFrames(bytes, chunkSizes: [])
        let single = try decodeAMIFrames(bytes, chunkSizes: [1])
        var rng = SeededGenerator(seed: UInt64(bytes.count))
        let randomSizes = (0..<64).map { _ in Int(rng.next() % 300) + 1 }
        let random = try decodeAMIFrames(bytes, chunkSizes: randomSizes)
        #expect(single == whole)
        #expect(random == whole)
        guard case .banner(let product, let version)? = whole.first else {
            Issue.record("\(name) did not start with a banner")
            return
        }
        #expect(product == "Asterisk")
        #expect(version == "11.0.0")
        #expect(!whole.contains { if case .malformed = $0 { true } else { false } })
        // Every packet ends in a blank line, so the packet count equals the number of CRLFCRLF.
        let text = String(decoding: bytes, as: UTF8.self)
        let separators = text.components(separatedBy: "\r\n\r\n").count - 1
        #expect(whole.count - 1 == separators)
    }

    /// Should keep duplicate keys in order and keep empty values.
    @Test func keepsDuplicateKeysAndEmptyValues() throws {
        let input =
            "Asterisk Call Manager/11.0.0\r\nEvent: VarSet\r\nVariable: A\r\nVariable: B\r\nPausedReason: \r\n\r\n"
        let frames = try decodeAMIFrames(Array(input.utf8), chunkSizes: [3])
        #expect(frames.count == 2)
        guard case .message(let message) = frames[1] else {
            Issue.record("expected a message")
            return
        }
        #expect(message.values(of: "Variable") == ["A", "B"])
        #expect(message["PausedReason"] == "")
        #expect(message.eventName == "VarSet")
    }

    /// Should accept bare LF line endings and another product word in the banner.
    @Test func toleratesBareLineFeedsAndOtherProducts() throws {
        let input = "PBX Call Manager/7.0.3\nResponse: Success\nActionID: 1\n\n"
        let frames = try decodeAMIFrames(Array(input.utf8), chunkSizes: [1])
        #expect(
            frames == [
                .banner(product: "PBX", version: "7.0.3"),
                .message(AMIMessage(["Response": "Success", "ActionID": "1"])),
            ])
    }

    /// Should end Asterisk 22's Park response at its `Park successful\n\r\n` (a bare LF, then
    /// the blank line) and read the event after it whole, at any chunking.
    @Test(arguments: [1, 2, 3, 7, 4096])
    func endsParkResponseAtBareLineFeedThenBlankLine(chunkSize: Int) throws {
        let input =
            "Response: Success\r\nActionID: park-1\r\nMessage: Park successful\n\r\n\r\n"
            + "Event: ParkedCall\r\nParkingSpace: 701\r\n\r\n"
        let frames = try decodeAMIFrames(Array(input.utf8), chunkSizes: [chunkSize], expectBanner: false)
        #expect(
            frames == [
                .message(AMIMessage(["Response": "Success", "ActionID": "park-1", "Message": "Park successful"])),
                .message(AMIMessage(["Event": "ParkedCall", "ParkingSpace": "701"])),
            ])
    }

    /// Should collect legacy `Response: Follows` output lines and drop the end marker.
    @Test func collectsFollowsOutput() throws {
        let input =
            "Response: Follows\r\nPrivilege: Command\r\nActionID: 9\r\nline one\r\n  line: two\r\n--END COMMAND--\r\n\r\n"
        let frames = try decodeAMIFrames(Array(input.utf8), chunkSizes: [2], expectBanner: false)
        guard case .message(let message)? = frames.first else {
            Issue.record("expected a message, got \(frames)")
            return
        }
        #expect(message.values(of: "Output") == ["line one"])
        #expect(message["  line"] == "two")
    }

    /// Should report a packet with a line lacking a colon as malformed, then carry on.
    @Test func skipsMalformedPacketAndContinues() throws {
        let input = "Event: A\r\ngarbage line\r\n\r\nEvent: B\r\n\r\n"
        let frames = try decodeAMIFrames(Array(input.utf8), chunkSizes: [1], expectBanner: false)
        #expect(frames.count == 2)
        guard case .malformed = frames[0], case .message(let message) = frames[1] else {
            Issue.record("unexpected frames \(frames)")
            return
        }
        #expect(message.eventName == "B")
    }

    /// Should handle very long values and stray blank lines between packets.
    @Test func handlesLongValuesAndStrayBlankLines() throws {
        let long = String(repeating: "x", count: 200_000)
        let input = "\r\n\r\nEvent: Big\r\nValue: \(long)\r\n\r\n"
        let frames = try decodeAMIFrames(Array(input.utf8), chunkSizes: [4096], expectBanner: false)
        #expect(frames == [.message(AMIMessage(["Event": "Big", "Value": long]))])
    }

    /// Should end the stream when a packet exceeds the size limit.
    @Test func refusesOversizedPacket() throws {
        let input = "Event: Big\r\nValue: " + String(repeating: "y", count: 5000) + "\r\n\r\n"
        #expect(throws: AMIDecodingError.packetTooLarge(limit: 1024)) {
            _ = try decodeAMIFrames(Array(input.utf8), chunkSizes: [100], expectBanner: false, maxPacketSize: 1024)
        }
        // Also when the over-long packet is made of many short lines.
        let lines = String(repeating: "K: v\r\n", count: 400)
        #expect(throws: AMIDecodingError.packetTooLarge(limit: 1024)) {
            _ = try decodeAMIFrames(Array(lines.utf8), chunkSizes: [1], expectBanner: false, maxPacketSize: 1024)
        }
    }

    /// Should refuse a peer that does not greet like Asterisk.
    @Test func refusesNonAMIBanner() throws {
        #expect(throws: AMIDecodingError.notAnAMIServer(firstLine: "SSH-2.0-OpenSSH_9.2")) {
            _ = try decodeAMIFrames(Array("SSH-2.0-OpenSSH_9.2\r\n".utf8), chunkSizes: [1])
        }
    }

    /// Should report bytes left at EOF as a truncated packet.
    @Test func reportsTruncatedPacketAtEOF() throws {
        #expect(throws: AMIDecodingError.truncatedPacket(bytes: 12)) {
            _ = try decodeAMIFrames(
                Array("Event: Half\r\n".utf8).dropLast(1).map { $0 }, chunkSizes: [5], expectBanner: false)
        }
    }
}
