import Foundation
import PBXCore
import Testing

@Suite struct JSONStringTests {
    /// Should escape quotes, backslashes, controls and DEL, and copy everything else.
    @Test func escapes() {
        #expect(JSONString.quoted("plain") == "\"plain\"")
        #expect(JSONString.quoted("a\"b\\c") == "\"a\\\"b\\\\c\"")
        #expect(JSONString.quoted("l1\nl2\r\t") == "\"l1\\nl2\\r\\t\"")
        #expect(JSONString.quoted("\u{0}\u{1F}\u{7F}") == "\"\\u0000\\u001f\\u007f\"")
        #expect(JSONString.quoted("Zoë 📞 /") == "\"Zoë 📞 /\"")
    }

    /// Should give text any JSON parser reads back as the original, for every control byte.
    @Test func roundTrips() throws {
        let original = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é📞\u{2028}"
        var bytes: [UInt8] = Array("[".utf8)
        JSONString.appendQuoted(original, to: &bytes)
        bytes.append(UInt8(ascii: "]"))
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String]
        #expect(parsed == [original])
    }
}
