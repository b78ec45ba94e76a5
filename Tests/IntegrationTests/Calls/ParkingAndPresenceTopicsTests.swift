import AMI
import AMISimulator
import Foundation
import LocalMosquitto
import NIOCore
import Testing

/// Parking and do-not-disturb through the bridge and a real broker, driven by the simulator
/// the way the call-features captures show Asterisk doing it.
@Suite(.serialized) struct ParkingAndPresenceTopicsTests {
    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    static var user: SimulatorUser { SimulatorUser(username: BridgeHarness.user, secret: BridgeHarness.secret) }

    /// The talking agent's and the caller's channels, read from the agent's call topic.
    static func talking(_ recorder: TopicRecorder) -> (caller: String, agent: String)? {
        for agent in ["149", "150"] {
            guard let last = recorder.messages(on: "pbx/agent/\(agent)/call").last,
                let call = Self.json(last.payload), call["state"] as? String == "talking",
                let caller = (call["caller"] as? [String: Any])?["channel"] as? String,
                let callee = (call["callee"] as? [String: Any])?["channel"] as? String
            else { continue }
            return (caller, callee)
        }
        return nil
    }

    /// Should set `pbx/parking/default/701` when a queue call is parked (parkedBy the agent's
    /// dial string, a fixed timeoutAt), clear it when `Local/701@incoming` picks it up, set
    /// it again for the next parked call and clear it when that one times out.
    @Test func parkPickupAndTimeout() async throws {
        let harness = try await BridgeHarness.start()
        let recorder = try TopicRecorder(port: harness.broker.port)
        defer { recorder.stop() }
        #expect(await recorder.wait { Set($0.keys) == StatePublishingTests.fixtureTopics })
        let space = "pbx/parking/default/701"
        var callers: [AMIClient] = []
        defer { for caller in callers { _ = caller.shutdown() } }
        for (round, number) in ["5550101", "5550102"].enumerated() {
            let caller = try await SimulatedCaller.place(
                on: harness.simulator, user: Self.user, extension: "200", talkSeconds: 60, number: number)
            callers.append(caller)
            #expect(
                await recorder.wait(timeout: 10) { _ in Self.talking(recorder)?.caller.contains("incoming") == true })
            let (callerChannel, agentChannel) = try #require(Self.talking(recorder))
            let parked = try await caller.send(
                AMIAction(
                    "Park",
                    [
                        AMIField("Channel", callerChannel), AMIField("TimeoutChannel", agentChannel),
                        AMIField("Timeout", "2000"),
                    ]))
            #expect(parked.message == "Park successful")
            // Any message, not only the last: on a loaded machine the second round's two-second
            // timeout may already have cleared the space when the recorder is looked at.
            func parkedValue() -> [String: Any]? {
                recorder.messages(on: space).compactMap { Self.json($0.payload) }
                    .last { $0["number"] as? String == number }
            }
            let set = await recorder.wait(timeout: 5) { _ in parkedValue() != nil }
            #expect(set, "\(recorder.messages(on: space).map(\.payload))")
            let value = try #require(parkedValue())
            #expect(value["channel"] as? String == callerChannel)
            #expect((value["parkedBy"] as? String)?.hasPrefix("Local/1") == true)
            #expect(value["parkedBy"] as? String == String(agentChannel.prefix { $0 != "-" }))
            #expect(value["timeoutAt"] is String)
            if round == 0 {
                // Picked up by dialling the space.
                _ = try await caller.send(
                    AMIAction(
                        "Originate",
                        [
                            AMIField("Channel", "Local/701@incoming"), AMIField("Application", "Wait"),
                            AMIField("Data", "1"), AMIField("Async", "true"),
                        ]))
            }
            // Round 0: the pickup clears it; round 1: the two-second timeout does.
            let cleared = await recorder.wait(timeout: 10) { _ in recorder.messages(on: space).last?.payload == "" }
            #expect(cleared, "\(recorder.messages(on: space).map(\.payload))")
            #expect(await recorder.wait(timeout: 15) { _ in Self.talking(recorder) == nil })
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(recorder.messages(on: space).filter { !$0.payload.isEmpty }.count == 2)
        await harness.stop()
    }

    /// Should turn the extension's presence to `dnd` (with `dnd` true) when the DND custom
    /// device state goes BUSY, and back to `online` when it goes NOT_INUSE.
    @Test func dndOnAndOff() async throws {
        let harness = try await BridgeHarness.start()
        let recorder = try TopicRecorder(port: harness.broker.port)
        defer { recorder.stop() }
        #expect(await recorder.wait { Set($0.keys) == StatePublishingTests.fixtureTopics })
        let presence = "pbx/extension/147/presence"
        func last() -> [String: Any]? { recorder.messages(on: presence).last.flatMap { Self.json($0.payload) } }
        #expect(last()?["status"] as? String == "online")
        await harness.simulator.setDeviceState("Custom:DND147", .busy)
        let on = await recorder.wait(timeout: 5) { _ in last()?["dnd"] as? Bool == true }
        #expect(on, "\(recorder.messages(on: presence).map(\.payload))")
        #expect(last()?["status"] as? String == "dnd")
        await harness.simulator.setDeviceState("Custom:DND147", .notInUse)
        let off = await recorder.wait(timeout: 5) { _ in last()?["dnd"] as? Bool == false }
        #expect(off, "\(recorder.messages(on: presence).map(\.payload))")
        #expect(last()?["status"] as? String == "online")
        await harness.stop()
    }
}
