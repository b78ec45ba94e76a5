import NIOCore
import Testing

@testable import AMI

@Suite struct AMIClientStreamsTests {
    /// Should yield every state change and event in order, and finish both streams at shutdown.
    @Test func streamsYieldStatesAndEventsThenFinish() async throws {
        let streams = AMIClientStreams()
        // Everything touching the EmbeddedEventLoop happens before the first await, on the
        // thread that created it.
        do {
            let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
            harness.client.start(delegate: streams)
            try harness.feed("Asterisk Call Manager/11.0.0\r\n")
            let login = try harness.sentOne()
            try harness.feed(
                AMIMessage(["Response": "Success", "ActionID": login.actionID ?? ""]),
                AMIMessage(["Event": "QueueMemberStatus", "Queue": "q1"]),
                AMIMessage(["Event": "Hangup", "Channel": "Local/1"])
            )
            let _: EventLoopFuture<Void> = harness.client.shutdown()
            try harness.feed(AMIMessage(["Response": "Goodbye", "ActionID": "p2m-1-2"]))
        }
        var states: [AMIConnectionState] = []
        for await state in streams.states { states.append(state) }
        var events: [String] = []
        for await event in streams.events { events.append(event.eventName ?? "") }
        let info = AMIServerInfo(product: "Asterisk", amiVersion: "11.0.0", host: "127.0.0.1", port: 5038)
        #expect(states == [.connecting(attempt: 1), .connected(info), .shutdown])
        #expect(events == ["QueueMemberStatus", "Hangup"])
    }

    /// Should keep the secret out of the configuration's description and dump.
    @Test func configurationDescriptionsRedactTheSecret() {
        let configuration = AMIConfiguration(host: "pbx", username: "bridge", secret: "Hunter2-secret")
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!"\(configuration)".contains("Hunter2-secret"))
        #expect(!String(reflecting: configuration).contains("Hunter2-secret"))
        #expect(!dumped.contains("Hunter2-secret"))
        #expect(dumped.contains("bridge"))
    }
}
