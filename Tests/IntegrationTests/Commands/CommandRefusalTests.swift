import AMI
import AMISimulator
import Bridge
import Foundation
import MQTT
import NIOCore
import PBXTestSupport
import Testing

/// Hostile and broken commands through the real broker: each is refused with the right code
/// and field, and Asterisk receives nothing at all.
@Suite(.serialized) struct CommandRefusalTests {
    struct Attempt: Sendable, CustomStringConvertible {
        var command: String
        var body: String
        var code: String
        var field: String?
        var description: String { "\(self.command) \(self.body.prefix(60))" }
    }

    static let attempts: [Attempt] = [
        // CR/LF/NUL (and their unicode cousins) in every field that could reach AMI.
        Attempt(
            command: "originate", body: #"{"from":"147\r\nAction: Hangup","to":"100"}"#, code: "invalid_field",
            field: "from"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100\r\nAction: Hangup\r\nChannel: PJSIP/1"}"#,
            code: "invalid_field", field: "to"),
        Attempt(
            command: "originate",
            body: #"{"from":"147","to":"100","callerId":"x\r\n\r\nAction: Originate\r\nChannel: PJSIP/trunk/0044"}"#,
            code: "invalid_field", field: "callerId"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","callerId":"x\u0085Action: Hangup"}"#,
            code: "invalid_field", field: "callerId"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","callerId":"x\u2028y"}"#, code: "invalid_field",
            field: "callerId"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","context":"from-internal\nAction: Hangup"}"#,
            code: "invalid_field", field: "context"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","variables":{"A":"1\r\nAction: Hangup"}}"#,
            code: "invalid_field", field: "variables.A"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","variables":{"A\r\nAction: Hangup":"1"}}"#,
            code: "invalid_field", field: "variables.AAction: Hangup"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","variables":{"A":"1,SHELL(rm -rf /)=x"}}"#,
            code: "invalid_field", field: "variables.A"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","variables":{"FILE(/etc/passwd)":"x"}}"#,
            code: "invalid_field", field: "variables.FILE(/etc/passwd)"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","timeoutSeconds":30,"Action: Hangup":"x"}"#,
            code: "invalid_field", field: "Action: Hangup"),
        Attempt(
            command: "queue/add", body: #"{"queue":"q1\r\nAction: QueueRemove","agent":"147"}"#, code: "invalid_field",
            field: "queue"),
        Attempt(
            command: "queue/add", body: #"{"queue":"q1","agent":"147","name":"Alice\r\nAction: Hangup"}"#,
            code: "invalid_field", field: "name"),
        Attempt(
            command: "queue/add", body: #"{"queue":"q1","agent":"147/../n"}"#, code: "invalid_field", field: "agent"),
        Attempt(
            command: "queue/pause", body: #"{"agent":"147","reason":"lunch\u0000Action: Hangup"}"#,
            code: "invalid_field", field: "reason"),
        Attempt(
            command: "queue/remove", body: #"{"queue":"q1","agent":"147\nAction: Hangup"}"#, code: "invalid_field",
            field: "agent"),
        Attempt(command: "queue/reset", body: #"{"queue":"q1\r"}"#, code: "invalid_field", field: "queue"),
        Attempt(
            command: "redirect", body: #"{"agent":"147","to":"300","context":"outbound\r\nAction: Hangup"}"#,
            code: "invalid_field", field: "context"),
        Attempt(
            command: "park", body: #"{"agent":"147","announceTo":"148\r\nAction: Hangup"}"#, code: "invalid_field",
            field: "announceTo"),
        Attempt(command: "hangup", body: #"{"agent":"147\r\n"}"#, code: "invalid_field", field: "agent"),
        Attempt(command: "queue/status", body: #"{"id":"x\r\nAction: Hangup"}"#, code: "invalid_field", field: "id"),
        Attempt(command: "queue/status", body: #"{"replyTo":"x\ny"}"#, code: "invalid_field", field: "replyTo"),
        // Wildcards in ids and reply topics.
        Attempt(command: "queue/status", body: #"{"id":"a/+/b"}"#, code: "invalid_field", field: "id"),
        Attempt(command: "queue/status", body: ##"{"id":"#"}"##, code: "invalid_field", field: "id"),
        Attempt(command: "queue/status", body: ##"{"replyTo":"pbx/#"}"##, code: "invalid_field", field: "replyTo"),
        // Unicode look-alikes where only plain identifiers may go.
        Attempt(command: "originate", body: #"{"from":"１４７","to":"100"}"#, code: "invalid_field", field: "from"),
        Attempt(command: "originate", body: #"{"from":"147","to":"５５５１２３４"}"#, code: "invalid_field", field: "to"),
        Attempt(
            command: "queue/add", body: #"{"queue":"q1","agent":"147","penalty":1,"queue\u200b":"q2"}"#,
            code: "invalid_field", field: "queue\u{200B}"),
        Attempt(command: "queue/pause", body: #"{"queue":"qü","agent":"147"}"#, code: "invalid_field", field: "queue"),
        // Policy: destinations, contexts, raw channels.
        Attempt(command: "originate", body: #"{"from":"147","to":"0044207946000"}"#, code: "forbidden", field: "to"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","context":"international"}"#, code: "forbidden",
            field: "context"),
        Attempt(command: "redirect", body: #"{"agent":"147","to":"9001234"}"#, code: "forbidden", field: "to"),
        Attempt(command: "hangup", body: #"{"channel":"PJSIP/trunk-00000001"}"#, code: "forbidden", field: "channel"),
        Attempt(
            command: "redirect", body: #"{"channel":"PJSIP/trunk-00000001","to":"100"}"#, code: "forbidden",
            field: "channel"),
        // Shape and types.
        Attempt(command: "originate", body: #"{"from":"147","to":"100""#, code: "bad_json", field: nil),
        Attempt(command: "originate", body: #"["from","147"]"#, code: "bad_json", field: nil),
        Attempt(
            command: "originate", body: "Action: Originate\r\nChannel: PJSIP/1\r\n\r\n", code: "bad_json", field: nil),
        Attempt(command: "originate", body: #"{"from":147,"to":"100"}"#, code: "invalid_field", field: "from"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","timeoutSeconds":"30"}"#, code: "invalid_field",
            field: "timeoutSeconds"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","timeoutSeconds":1e9}"#, code: "invalid_field",
            field: "timeoutSeconds"),
        Attempt(
            command: "originate", body: #"{"from":"147","to":"100","variables":["A=1"]}"#, code: "invalid_field",
            field: "variables"),
        Attempt(command: "originate", body: #"{"to":"100"}"#, code: "invalid_field", field: "from"),
        Attempt(
            command: "queue/add", body: #"{"queue":["q1",7],"agent":"147"}"#, code: "invalid_field", field: "queue"),
        Attempt(
            command: "queue/add", body: #"{"queue":"q1","agent":"147","paused":"false"}"#, code: "invalid_field",
            field: "paused"),
        Attempt(
            command: "queue/add", body: #"{"queue":"q1","agent":"147","penalty":-1}"#, code: "invalid_field",
            field: "penalty"),
        Attempt(command: "queue/pause", body: #"{"agent":"147","id":42}"#, code: "invalid_field", field: "id"),
        Attempt(
            command: "hangup", body: #"{"agent":"147","channel":"PJSIP/1"}"#, code: "invalid_field", field: "channel"),
        Attempt(
            command: "queue/status", body: #"{"id":"\#(String(repeating: "x", count: 129))"}"#, code: "invalid_field",
            field: "id"),
        // Unknown commands, including ones that try to leave the reply tree.
        Attempt(command: "dialplan/reload", body: "{}", code: "unknown_command", field: nil),
        Attempt(command: "Originate", body: #"{"from":"147","to":"100"}"#, code: "unknown_command", field: nil),
        Attempt(
            command: "queue/add/extra", body: #"{"queue":"q1","agent":"147"}"#, code: "unknown_command", field: nil),
    ]

    /// Should refuse every attempt with its code and field, reply to the sender with the
    /// request's correlation data, and send Asterisk nothing.
    @Test func everyAttemptIsRefusedBeforeAMI() async throws {
        try await CommandHarness.run { harness in
            for attempt in Self.attempts {
                let reply = try await harness.reply(attempt.command, attempt.body)
                #expect(string(reply, "status") == "error", "\(attempt)")
                #expect(string(reply, "command") == attempt.command, "\(attempt)")
                #expect(string(reply, "error", "code") == attempt.code, "\(attempt): \(reply)")
                if let field = attempt.field {
                    #expect(string(reply, "error", "field") == field, "\(attempt): \(reply)")
                    #expect(string(reply, "error", "message")?.contains(field) == true, "\(attempt): \(reply)")
                }
                #expect(string(reply, "error", "message")?.isEmpty == false)
            }
            #expect(await harness.commandActions().map(\.name) == [])
            // Still serving after all that.
            let pause = try await harness.reply("queue/pause", #"{"agent":"149"}"#)
            #expect(string(pause, "status") == "ok")
        }
    }

    /// Should refuse a 1 MB payload and 30 000-deep nesting without crashing or acting.
    @Test func oversizedAndDeepPayloads() async throws {
        try await CommandHarness.run { harness in
            let huge = #"{"from":"147","to":"100","callerId":""# + String(repeating: "A", count: 1_048_576) + #""}"#
            let big = try await harness.reply("originate", huge)
            #expect(string(big, "error", "code") == "invalid_field")
            #expect(string(big, "error", "field") == "payload")
            #expect(string(big, "error", "message")?.contains("65536") == true)

            let deep = try await harness.reply(
                "originate", String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000))
            #expect(string(deep, "error", "code") == "bad_json")
            let deepObject = try await harness.reply(
                "queue/status",
                String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000))
            #expect(string(deepObject, "error", "code") != nil)
            #expect(await harness.commandActions().isEmpty)
        }
    }
}
