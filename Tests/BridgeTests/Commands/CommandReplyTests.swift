import Bridge
import Testing

@Suite struct CommandReplyTests {
    /// Should write the contract's reply shape with the error's code, field and candidates.
    @Test func writesContractShape() {
        let reply = CommandReply(
            id: "r1", command: "redirect", status: .error,
            error: CommandError(.invalidField, "agent: has 2 channels", field: "agent", candidates: ["A;1", "B;2"])
        )
        #expect(
            String(decoding: reply.payload(), as: UTF8.self)
                == #"{"id":"r1","command":"redirect","status":"error","error":{"code":"invalid_field","message":"agent: has 2 channels","field":"agent","candidates":["A;1","B;2"]}}"#
        )
        let ok = CommandReply(
            id: nil, command: "originate", actionID: "p2m-1-3", status: .ok,
            data: .object(["uniqueId": .string("17.1")]))
        #expect(
            String(decoding: ok.payload(), as: UTF8.self)
                == #"{"command":"originate","actionId":"p2m-1-3","status":"ok","data":{"uniqueId":"17.1"}}"#)
    }
}
