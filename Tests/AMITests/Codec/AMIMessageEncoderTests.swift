import AMI
import NIOCore
import Testing

@Suite struct AMIMessageEncoderTests {
    /// Should write `Key: Value` CRLF lines and a closing blank line, in order.
    @Test func writesWireFormat() throws {
        var buffer = ByteBuffer()
        let action = AMIAction("QueuePause", ["Interface": "Local/147@agents/n", "Paused": "true", "Reason": ""])
        try AMIMessageEncoder.write(action.message(actionID: "7"), to: &buffer)
        #expect(
            buffer.readString(length: buffer.readableBytes)
                == "Action: QueuePause\r\nInterface: Local/147@agents/n\r\nPaused: true\r\nReason: \r\nActionID: 7\r\n\r\n"
        )
    }

    /// Should refuse CR, LF or NUL anywhere, and write nothing at all when it does.
    @Test(arguments: ["CR": "\r", "LF": "\n", "NUL": "\0", "smuggled action": "\r\nAction: Originate"])
    func refusesInjection(name: String, bad: String) throws {
        var buffer = ByteBuffer(string: "before")
        let good = AMIField("Channel", "Local/1@x")
        for message in [
            AMIMessage(fields: [AMIField("Action", "Hangup"), good, AMIField("Cause", "16" + bad)]),
            AMIMessage(fields: [AMIField("Action", "Hangup"), AMIField("Ca" + bad + "use", "16"), good]),
            AMIMessage(fields: [AMIField("Action", "Hang" + bad + "up")]),
        ] {
            #expect(throws: AMIEncodingError.self) { try AMIMessageEncoder.write(message, to: &buffer) }
        }
        #expect(buffer.readableBytes == 6)
    }

    /// Should refuse empty keys, keys with a colon and empty packets.
    @Test func refusesBadKeys() {
        var buffer = ByteBuffer()
        #expect(throws: AMIEncodingError.invalidKey("")) {
            try AMIMessageEncoder.write(AMIMessage(fields: [AMIField("", "x")]), to: &buffer)
        }
        #expect(throws: AMIEncodingError.invalidKey("A:B")) {
            try AMIMessageEncoder.write(AMIMessage(fields: [AMIField("A:B", "x")]), to: &buffer)
        }
        #expect(throws: AMIEncodingError.empty) { try AMIMessageEncoder.write(AMIMessage(), to: &buffer) }
        #expect(buffer.readableBytes == 0)
    }

    /// Should round-trip through the decoder with unicode and colons in values.
    @Test func roundTripsThroughDecoder() throws {
        var buffer = ByteBuffer()
        let message = AMIMessage(["Event": "X", "CallerIDName": "Zoë: Müller", "Data": "a:b:c", "Empty": ""])
        try AMIMessageEncoder.write(message, to: &buffer)
        var decoder = AMIMessageDecoder(expectBanner: false)
        #expect(try decoder.decode(buffer: &buffer) == .message(message))
    }
}
