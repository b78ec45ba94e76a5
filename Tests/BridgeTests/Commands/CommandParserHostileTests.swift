import Foundation
import Testing

@testable import Bridge

/// Every string, number and flag of every command against the inputs a hostile or broken
/// client sends: CR/LF/NUL, one character too many, the wrong JSON type, numbers out of range,
/// non-JSON numbers, non-UTF-8 bytes, nesting, sizes at the limit. Each is refused with
/// `invalid_field` naming the field (or `bad_json`), before any AMI action exists.
@Suite struct CommandParserHostileTests {
    /// Raw channels allowed, so that `channel` is validated rather than forbidden.
    static let parser = CommandParser(
        policy: CommandPolicy(
            allowDestinations: ["[0-9]{1,40}"], allowedContexts: ["outbound"], allowRawChannels: true))

    /// One field of one command: the smallest valid body around it, a value of the right
    /// shape and its length limit (nil: not a free-length string).
    struct Field: Sendable, CustomTestStringConvertible {
        var command: String
        var name: String
        var body: [String: JSONValue]
        var sample: String
        var maxLength: Int? = nil
        var testDescription: String { "\(self.command) \(self.name)" }
    }

    static let agentBody: [String: JSONValue] = ["agent": .string("147")]
    static let queueBody: [String: JSONValue] = ["queue": .string("q1"), "agent": .string("147")]
    static let originateBody: [String: JSONValue] = ["from": .string("147"), "to": .string("100")]

    /// Every string field of every command.
    static let stringFields: [Field] = [
        Field(command: "queue/status", name: "id", body: [:], sample: "c", maxLength: 128),
        Field(command: "queue/status", name: "replyTo", body: [:], sample: "r", maxLength: 512),
        Field(command: "originate", name: "from", body: ["to": .string("100")], sample: "1", maxLength: 64),
        Field(command: "originate", name: "to", body: ["from": .string("147")], sample: "1", maxLength: 40),
        Field(command: "originate", name: "context", body: originateBody, sample: "c", maxLength: 80),
        Field(command: "originate", name: "callerId", body: originateBody, sample: "x", maxLength: 80),
        Field(command: "redirect", name: "agent", body: ["to": .string("100")], sample: "1", maxLength: 64),
        Field(command: "redirect", name: "channel", body: ["to": .string("100")], sample: "P", maxLength: 128),
        Field(command: "redirect", name: "to", body: agentBody, sample: "1", maxLength: 40),
        Field(command: "redirect", name: "context", body: ["agent": .string("147"), "to": .string("1")], sample: "c"),
        Field(command: "park", name: "agent", body: [:], sample: "1", maxLength: 64),
        Field(command: "park", name: "channel", body: [:], sample: "P", maxLength: 128),
        Field(command: "park", name: "announceTo", body: agentBody, sample: "1", maxLength: 64),
        Field(command: "hangup", name: "agent", body: [:], sample: "1", maxLength: 64),
        Field(command: "hangup", name: "channel", body: [:], sample: "P", maxLength: 128),
        Field(command: "queue/add", name: "queue", body: agentBody, sample: "q", maxLength: 80),
        Field(command: "queue/add", name: "agent", body: ["queue": .string("q1")], sample: "1", maxLength: 64),
        Field(command: "queue/add", name: "name", body: queueBody, sample: "n", maxLength: 80),
        Field(command: "queue/remove", name: "queue", body: agentBody, sample: "q", maxLength: 80),
        Field(command: "queue/remove", name: "agent", body: ["queue": .string("q1")], sample: "1", maxLength: 64),
        Field(command: "queue/pause", name: "queue", body: agentBody, sample: "q", maxLength: 80),
        Field(command: "queue/pause", name: "agent", body: [:], sample: "1", maxLength: 64),
        Field(command: "queue/pause", name: "reason", body: agentBody, sample: "r", maxLength: 128),
        Field(command: "queue/reset", name: "queue", body: [:], sample: "q", maxLength: 80),
        Field(command: "queue/status", name: "queue", body: [:], sample: "q", maxLength: 80),
    ]

    static func failure(_ command: String, _ body: [String: JSONValue]) -> CommandParser.Failure? {
        var writer = JSONWriter()
        writer.value(.object(body))
        if case .failure(let failure) = Self.parser.parse(command: command, payload: writer.bytes) { return failure }
        return nil
    }

    static func failure(_ command: String, raw: [UInt8]) -> CommandParser.Failure? {
        if case .failure(let failure) = Self.parser.parse(command: command, payload: raw) { return failure }
        return nil
    }

    /// Should refuse CR, LF, NUL and other controls anywhere in every string field, naming it.
    @Test(arguments: stringFields)
    func refusesControlCharacters(field: Field) {
        for control in ["\r", "\n", "\r\nAction: Hangup\r\n", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{2028}"] {
            for value in [field.sample + control, control + field.sample] {
                var body = field.body
                body[field.name] = .string(value)
                let failure = Self.failure(field.command, body)
                #expect(failure?.error.code == .invalidField, "\(field) \(value.debugDescription)")
                #expect(failure?.error.field == field.name, "\(field) \(value.debugDescription)")
            }
        }
    }

    /// Should take each string field at its length limit and refuse one character more.
    @Test(arguments: stringFields.filter { $0.maxLength != nil })
    func refusesOverLongValues(field: Field) throws {
        let limit = try #require(field.maxLength)
        var body = field.body
        body[field.name] = .string(String(repeating: field.sample, count: limit + 1))
        let failure = Self.failure(field.command, body)
        #expect(failure?.error.code == .invalidField)
        #expect(failure?.error.field == field.name)
        #expect(failure?.error.message.contains("\(limit)") == true)
        body[field.name] = .string(String(repeating: field.sample, count: limit))
        // At the limit the field is valid (the command may still be forbidden by policy).
        let atLimit = Self.failure(field.command, body)
        #expect(atLimit?.error.code != .invalidField || atLimit?.error.field != field.name)
    }

    /// Should refuse a number, a boolean, a list and an object where a string goes.
    @Test(arguments: stringFields)
    func refusesWrongTypesForStrings(field: Field) {
        for value: JSONValue in [.number(1), .bool(true), .array([]), .object([:]), .array([.string("q1")])] {
            if field.name == "queue", !["queue/reset", "queue/status"].contains(field.command),
                value == .array([.string("q1")])
            {
                continue  // a list of queue names is allowed there
            }
            var body = field.body
            body[field.name] = value
            let failure = Self.failure(field.command, body)
            #expect(failure?.error.code == .invalidField, "\(field) \(value)")
            #expect(failure?.error.field == field.name, "\(field) \(value)")
        }
    }

    /// Should refuse numbers outside each numeric field's range, fractions, and wrong types for
    /// numbers and flags.
    @Test func refusesBadNumbersAndFlags() {
        let cases: [(String, [String: JSONValue], String, [JSONValue])] = [
            (
                "queue/add", Self.queueBody, "penalty",
                [
                    .number(-1), .number(10_001), .number(1e300), .number(-1e300), .number(1.5), .string("2"),
                    .bool(true),
                ]
            ),
            (
                "originate", Self.originateBody, "timeoutSeconds",
                [.number(0), .number(301), .number(9_007_199_254_740_992), .number(0.5), .string("30"), .array([])]
            ),
            ("queue/add", Self.queueBody, "paused", [.string("true"), .number(1), .number(0), .object([:])]),
            ("queue/pause", Self.agentBody, "paused", [.string("false"), .array([.bool(true)])]),
            ("originate", Self.originateBody, "variables", [.string("A=1"), .array([.string("A=1")]), .number(1)]),
        ]
        for (command, base, name, values) in cases {
            for value in values {
                var body = base
                body[name] = value
                let failure = Self.failure(command, body)
                #expect(failure?.error.code == .invalidField, "\(command) \(name) \(value)")
                #expect(failure?.error.field == name, "\(command) \(name) \(value)")
            }
        }
        // The ends of the ranges are accepted; -0 is 0.
        for (name, value) in [("penalty", 0.0), ("penalty", 10_000), ("penalty", -0.0)] {
            var body = Self.queueBody
            body[name] = .number(value)
            #expect(Self.failure("queue/add", body) == nil, "\(name) \(value)")
        }
    }

    /// Should refuse variable names and values that are too long, too many variables, and
    /// queue lists that are empty, too long or hold a non-string.
    @Test func refusesOversizedCollections() {
        func originate(_ variables: [String: JSONValue]) -> CommandParser.Failure? {
            var body = Self.originateBody
            body["variables"] = .object(variables)
            return Self.failure("originate", body)
        }
        // A field name in a reply is cut to 64 characters.
        let longName = String(repeating: "A", count: 65)
        #expect(originate([longName: .string("1")])?.error.field == "variables.\(longName.dropLast())")
        #expect(originate(["A": .string(String(repeating: "v", count: 257))])?.error.field == "variables.A")
        #expect(originate(["A": .string(String(repeating: "v", count: 256))]) == nil)
        #expect(originate(["A\r\nB": .string("1")])?.error.field == "variables.AB")
        #expect(originate(["A": .number(1)])?.error.field == "variables.A")
        let many = Dictionary(uniqueKeysWithValues: (0..<33).map { ("V\($0)", JSONValue.string("1")) })
        #expect(originate(many)?.error.field == "variables")
        for queues: JSONValue in [
            .array([]), .array((0...100).map { .string("q\($0)") }), .array([.string("q1"), .number(2)]),
            .array([.array([.string("q1")])]),
        ] {
            let failure = Self.failure("queue/add", ["queue": queues, "agent": .string("147")])
            #expect(failure?.error.field == "queue", "\(queues)")
        }
    }

    /// Should refuse payloads that are not JSON objects: non-JSON numbers, invalid UTF-8 (in
    /// and outside strings), lone surrogates, trailing garbage, several values.
    @Test(arguments: [
        #"{"agent":"147","penalty":NaN}"#, #"{"agent":"147","penalty":Infinity}"#, #"{"penalty":-Infinity}"#,
        #"{"agent":"147","penalty":1e400}"#, #"{"agent":"\ud800"}"#, #"{"agent":"147"} {"agent":"148"}"#,
        "{'agent':'147'}", #"{"agent":"147"}x"#, "null", "\"agent\"", "147", "[]",
    ])
    func refusesNonJSON(payload: String) {
        #expect(Self.failure("queue/pause", raw: Array(payload.utf8))?.error.code == .badJSON, "\(payload)")
    }

    /// Should refuse payloads whose bytes are not UTF-8, wherever the bad bytes are.
    @Test func refusesInvalidUTF8() {
        let prefix = Array(#"{"agent":""#.utf8)
        let suffix = Array(#""}"#.utf8)
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3]] {
            #expect(Self.failure("queue/pause", raw: prefix + bad + suffix)?.error.code == .badJSON, "\(bad)")
            #expect(Self.failure("queue/pause", raw: bad + prefix + suffix)?.error.code == .badJSON, "\(bad)")
        }
    }

    /// Should take a payload of exactly the byte limit and refuse one byte more unread.
    @Test func payloadSizeLimit() {
        let body = Array(#"{"agent":"147"}"#.utf8)
        let padding = CommandParser.maxPayloadBytes - body.count
        #expect(Self.failure("queue/pause", raw: body + Array(repeating: 0x20, count: padding)) == nil)
        let over = Self.failure("queue/pause", raw: body + Array(repeating: 0x20, count: padding + 1))
        #expect(over?.error.field == "payload")
        #expect(over?.error.message.contains("\(CommandParser.maxPayloadBytes)") == true)
    }

    /// Should refuse nesting deeper than 32 levels as `bad_json` before decoding, and take
    /// shallower nesting to the field's type check, on a thread with a 256 KiB stack (a
    /// 512-deep payload, which Foundation's reader accepts, needs about 1 MiB to decode).
    @Test func deepNestingNeitherOverflowsTheStackNorPasses() async throws {
        let results = try await Self.onSmallStack {
            [10, 31, 32, 500, 30_000].map { depth -> CommandParser.Failure? in
                let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                return Self.failure("queue/pause", raw: Array(#"{"agent":"147","reason":\#(nested)}"#.utf8))
            }
        }
        #expect(results[0]?.error.field == "reason")
        #expect(results[1]?.error.field == "reason")
        #expect(results[2]?.error.code == .badJSON)
        #expect(results[2]?.error.message.contains("33 levels") == true)
        #expect(results[3]?.error.code == .badJSON)
        #expect(results[4]?.error.code == .badJSON)
        // Brackets inside strings are text, not nesting.
        let text = #"{"agent":"147","reason":"\#(String(repeating: "[{", count: 50))\"]"}"#
        #expect(Self.failure("queue/pause", raw: Array(text.utf8)) == nil)
        #expect(JSONValue.nestingDepth(of: Array(#"{"a":"\"[[["}"#.utf8)) == 1)
    }

    /// Should name an unknown field without its control characters, and ignore `null` as
    /// absent.
    @Test func unknownFieldsAndNulls() {
        let unknown = Self.failure("queue/pause", ["agent": .string("147"), "a\r\nb\u{0}c": .number(1)])
        #expect(unknown?.error.field == "abc")
        #expect(Self.failure("queue/pause", ["agent": .string("147"), "reason": .null, "id": .null]) == nil)
        #expect(Self.failure("queue/pause", ["agent": .null])?.error.field == "agent")
    }

    /// Runs `body` on a new thread with a 256 KiB stack.
    static func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }
}
