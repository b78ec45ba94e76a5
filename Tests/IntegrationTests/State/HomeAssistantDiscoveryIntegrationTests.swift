import AMI
import AMISimulator
import Foundation
import LocalMosquitto
import MQTT
import PBXTestSupport
import Testing

/// Home Assistant discovery through a real mosquitto: a subscriber on the discovery prefix
/// checks every config the bridge publishes against Home Assistant's documented schema.
@Suite(.serialized) struct HomeAssistantDiscoveryIntegrationTests {
    /// The configs of the fixtures' call center: the bridge, one sensor per agent (hints
    /// 146–150), four per queue (q1, q2).
    static var expectedCount: Int {
        1 + CallCenterConfiguration.fixture.hints.count + 4 * CallCenterConfiguration.fixture.queues.count
    }

    /// Should publish a retained, schema-valid config per entity, send them again when Home
    /// Assistant announces itself `online`, and empty an agent's config when it disappears.
    @Test func discoveryConfigsFollowTheCallCenter() async throws {
        let harness = try await BridgeHarness.start(homeAssistantPrefix: "homeassistant")
        let recorder = try TopicRecorder(port: harness.broker.port, filter: "homeassistant/+/+/config")
        defer { recorder.stop() }
        let complete = await recorder.wait(timeout: 10) { $0.count == Self.expectedCount }
        #expect(complete, "\(recorder.state.keys.sorted())")
        for (topic, payload) in recorder.state {
            let problems = HomeAssistantSchema.problems(
                topic: topic, payload: Data(payload.utf8), discoveryPrefix: "homeassistant")
            #expect(problems.isEmpty, "\(problems)")
        }
        // Retained: a subscriber arriving later gets them all at once.
        let late = try TopicRecorder(port: harness.broker.port, filter: "homeassistant/+/+/config")
        defer { late.stop() }
        #expect(await late.wait { $0.count == Self.expectedCount })
        let lateMessages = late.state.keys.flatMap { late.messages(on: $0) }
        #expect(lateMessages.allSatisfy { $0.retained })

        // Home Assistant restarts: every config comes again.
        let before = recorder.state.keys.map { recorder.messages(on: $0).count }.reduce(0, +)
        let homeAssistant = try await TestMQTTClient.connect(broker: harness.broker, subscriptions: [])
        homeAssistant.publish("homeassistant/status", payload: Array("online".utf8))
        let resent = await recorder.wait(timeout: 10) { _ in
            recorder.state.keys.map { recorder.messages(on: $0).count }.reduce(0, +) >= before + Self.expectedCount
        }
        #expect(resent)
        homeAssistant.stop()

        // Agent 146 (a hint only) is removed in Asterisk: its config is emptied.
        let topic = "homeassistant/sensor/pbx2mqtt_pbx_agent_146_status/config"
        #expect(recorder.state[topic]?.isEmpty == false)
        await harness.simulator.emit(
            AMIMessage([
                "Event": "ExtensionStatus", "Privilege": "call,all", "Exten": "146", "Context": "default",
                "Hint": "Custom:146", "Status": "-1", "StatusText": "Removed",
            ]))
        #expect(
            await recorder.wait { _ in recorder.messages(on: topic).last?.payload == "" },
            "\(recorder.messages(on: topic))")
        #expect(recorder.messages(on: topic).last?.retained == false, "a live clear, not a replay")
        await harness.stop()
    }
}
