import Foundation
import Testing

@testable import FuzzHarness

/// The fuzzers' JSON oracle must agree with a real parser, or it would hide broken payloads.
@Suite struct JSONValidatorTests {
    static let valid = [
        #"{}"#, #"[]"#, #"{"a":1,"b":[true,false,null],"c":{"d":"e\"\\\/\b\f\n\r\t\u00e9"}}"#, #"-0.5e+10"#,
        #"  {"a" : [ 1 , 2 ] }  "#, #""x""#, #"[[[[]]]]"#, "0", #"{"a":-0}"#,
    ]
    static let invalid = [
        #"{"a":1,}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":"\u12"}"#, #"{"a":"\x"}"#,
        "{\"a\":\"\u{1}\"}", #"{"a":1}{"#, #"{"a" 1}"#, #"{1:2}"#, #"[1,]"#, #"[1 2]"#, #"tru"#, #"nulls"#,
        #"{"a":NaN}"#, #"[[[[]]]"#, "", " ",
    ]

    /// Should accept RFC 8259 JSON and refuse the rest (trailing commas included, which
    /// Foundation tolerates), and never accept what JSONSerialization refuses.
    @Test func followsRFC8259() {
        for text in Self.valid {
            #expect(JSONValidator.isValid(Array(text.utf8)), "\(text)")
        }
        for text in Self.invalid {
            #expect(!JSONValidator.isValid(Array(text.utf8)), "\(text)")
        }
        for text in Self.valid + Self.invalid where JSONValidator.isValid(Array(text.utf8)) {
            let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect(parsed != nil, "\(text)")
        }
    }

    /// Should refuse invalid UTF-8 and survive nesting far deeper than any stack would.
    @Test func refusesInvalidUTF8AndHandlesDeepNesting() {
        #expect(!JSONValidator.isValid(Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8)))
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSONValidator.isValid(Array(deep.utf8)))
        #expect(!JSONValidator.isValid(Array(deep.dropLast().utf8)))
    }
}
