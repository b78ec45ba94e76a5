import Bridge
import Foundation
import Testing

@Suite struct JSONWriterTests {
    /// Should write keys in the order given, leave out nil fields, and escape strings so that
    /// Foundation parses the text back to the same values.
    @Test func writesStableValidJSON() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("agent", "1\"4\\7\n\u{1}é")
        writer.field("count", 3)
        writer.field("missing", nil as String?)
        writer.field("paused", false)
        writer.key("list")
        writer.beginArray()
        writer.value(1.5)
        writer.value("x")
        writer.beginObject()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == #"{"agent":"1\"4\\7\n\u0001é","count":3,"paused":false,"list":[1.5,"x",{}]}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        #expect(parsed["agent"] as? String == "1\"4\\7\n\u{1}é")
    }

    /// Should write non-finite doubles as null rather than invalid JSON.
    @Test func writesNonFiniteAsNull() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.value(Double.nan)
        writer.value(Double.infinity)
        writer.value(2.0)
        writer.endArray()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[null,null,2]")
    }
}
