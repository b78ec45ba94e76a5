import AMI
import AMISimulator
import Bridge
import Foundation
import LocalMosquitto
import NIOCore
import Testing

/// The call model through a real broker: a simulated queue call gives its call events, the
/// agent's call topic while it lasts, the extension's conversations, and a wrap-up pause.
@Suite(.serialized) struct CallTopicsTests {
    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// Should publish ringStarted … finished on `pbx/call/{linkedid}/event` (not retained),
    /// set and clear `pbx/agent/{a}/call`, and pause the agent for wrap-up (reason `wrapup`)
    /// then unpause it once the wrap-up time has passed.
    @Test func queueCallGivesCallEventsAndWrapUp() async throws {
        let harness = try await BridgeHarness.start(wrapUp: [WrapUpRule(queue: "q2", trigger: .end, seconds: 1)])
        let recorder = try TopicRecorder(port: harness.broker.port)
        defer { recorder.stop() }
        #expect(await recorder.wait { Set($0.keys) == StatePublishingTests.fixtureTopics })
        await harness.simulator.startTraffic(
            TrafficConfiguration(
                callsPerSecond: 20, abandonRate: 0, talkTime: 0.3...0.4, ringTime: 0.05...0.1, maxCalls: 1,
                queues: ["q2"]))
        func callEvents() -> [(topic: String, event: String, retained: Bool)] {
            recorder.topics.filter { $0.hasPrefix("pbx/call/") }.sorted().flatMap { topic in
                recorder.messages(on: topic).map {
                    (topic, Self.json($0.payload)?["event"] as? String ?? "", $0.retained)
                }
            }
        }
        let finished = await recorder.wait(timeout: 10) { _ in callEvents().contains { $0.event == "finished" } }
        #expect(finished, "call events: \(callEvents())")
        await harness.simulator.stopTraffic()
        let events = callEvents()
        let topic = try #require(events.first?.topic)
        let ofFirstCall = events.filter { $0.topic == topic }.map(\.event)
        #expect(ofFirstCall.first == "ringStarted")
        #expect(ofFirstCall.contains("commutationStarted"))
        #expect(ofFirstCall.last == "finished")
        #expect(events.allSatisfy { !$0.retained })
        // The answering agent's call topic was set, then cleared (an empty retained message).
        // q2 rings both its agents: the one that answered talked.
        let answered = ["149", "150"].filter { agent in
            recorder.messages(on: "pbx/agent/\(agent)/call").contains {
                Self.json($0.payload)?["state"] as? String == "talking"
            }
        }
        let agent = try #require(answered.first, "\(recorder.topics)")
        for rung in ["149", "150"] where !recorder.messages(on: "pbx/agent/\(rung)/call").isEmpty {
            #expect(recorder.messages(on: "pbx/agent/\(rung)/call").last?.payload.isEmpty == true)
        }
        // Conversations: the call while it lasted, an empty list after.
        let conversations = recorder.messages(on: "pbx/extension/\(agent)/conversations").map(\.payload)
        #expect(conversations.contains { $0.hasPrefix("[{") })
        // Wrap-up: paused with reason wrapup after the call, unpaused a second later.
        let member = "pbx/agent/\(agent)/queueMemberStatus/q2"
        let wrapped = await recorder.wait(timeout: 5) { _ in
            let values = recorder.messages(on: member).compactMap { Self.json($0.payload) }
            let wrapUp = values.lastIndex { $0["pausedReason"] as? String == "wrapup" && $0["paused"] as? Bool == true }
            guard let paused = wrapUp else { return false }
            return values[(paused + 1)...].contains { $0["paused"] as? Bool == false }
        }
        #expect(wrapped, "\(recorder.messages(on: member).map(\.payload))")
        #expect(recorder.messages(on: "pbx/extension/\(agent)/conversations").last?.payload == "[]")
        await harness.stop()
    }

    /// Should publish `putHold` then `endHold` on the call's event topic, and show the agent's
    /// call `onhold` while it is, when the simulator raises Hold and Unhold on the agent's leg
    /// (as HOLD_INTERCEPT does in call-features/hold.ami).
    @Test func holdGivesPutHoldAndEndHold() async throws {
        let harness = try await BridgeHarness.start()
        let recorder = try TopicRecorder(port: harness.broker.port)
        defer { recorder.stop() }
        #expect(await recorder.wait { Set($0.keys) == StatePublishingTests.fixtureTopics })
        await harness.simulator.startTraffic(
            TrafficConfiguration(
                callsPerSecond: 20, abandonRate: 0, talkTime: 30...30, ringTime: 0.05...0.1, maxCalls: 1,
                queues: ["q2"]))
        func talking() -> (agent: String, channel: String)? {
            for agent in ["149", "150"] {
                guard let last = recorder.messages(on: "pbx/agent/\(agent)/call").last,
                    let call = Self.json(last.payload), call["state"] as? String == "talking",
                    let callee = call["callee"] as? [String: Any], let channel = callee["channel"] as? String
                else { continue }
                return (agent, channel)
            }
            return nil
        }
        #expect(await recorder.wait(timeout: 10) { _ in talking() != nil }, "\(recorder.topics)")
        let (agent, channel) = try #require(talking())
        await harness.simulator.stopTraffic()
        #expect(await harness.simulator.hold(channel: channel))
        func events() -> [String] {
            recorder.topics.filter { $0.hasPrefix("pbx/call/") }.sorted().flatMap { topic in
                recorder.messages(on: topic).compactMap { Self.json($0.payload)?["event"] as? String }
            }
        }
        #expect(await recorder.wait(timeout: 5) { _ in events().contains("putHold") }, "\(events())")
        let held = await recorder.wait(timeout: 5) { _ in
            recorder.messages(on: "pbx/agent/\(agent)/call").last.flatMap { Self.json($0.payload) }?["state"]
                as? String == "onhold"
        }
        #expect(held, "\(recorder.messages(on: "pbx/agent/\(agent)/call").map(\.payload))")
        #expect(await harness.simulator.hold(channel: channel, false))
        #expect(await recorder.wait(timeout: 5) { _ in events().contains("endHold") }, "\(events())")
        let order = events()
        #expect(order.firstIndex(of: "putHold").map { $0 < (order.firstIndex(of: "endHold") ?? -1) } == true)
        await harness.stop()
    }

    /// Should publish `transferred` (kind `blind`, the target extension) then `finished` when
    /// the agent's leg is blind-transferred, and clear the agent's call topic.
    @Test func blindTransferGivesTransferred() async throws {
        let harness = try await BridgeHarness.start()
        let recorder = try TopicRecorder(port: harness.broker.port)
        defer { recorder.stop() }
        #expect(await recorder.wait { Set($0.keys) == StatePublishingTests.fixtureTopics })
        let caller = try await SimulatedCaller.place(
            on: harness.simulator, user: SimulatorUser(username: BridgeHarness.user, secret: BridgeHarness.secret),
            extension: "200", talkSeconds: 60, number: "5550201")
        func talking() -> (agent: String, channel: String)? {
            for agent in ["149", "150"] {
                guard let last = recorder.messages(on: "pbx/agent/\(agent)/call").last,
                    let call = Self.json(last.payload), call["state"] as? String == "talking",
                    let callee = call["callee"] as? [String: Any], let channel = callee["channel"] as? String
                else { continue }
                return (agent, channel)
            }
            return nil
        }
        #expect(await recorder.wait(timeout: 10) { _ in talking() != nil }, "\(recorder.topics)")
        let (agent, channel) = try #require(talking())
        let answer = try await caller.send(
            AMIAction(
                "BlindTransfer",
                [AMIField("Channel", channel), AMIField("Context", "incoming"), AMIField("Exten", "300")]))
        #expect(answer.message == "Transfer succeeded")
        func events() -> [[String: Any]] {
            recorder.topics.filter { $0.hasPrefix("pbx/call/") }.sorted().flatMap { topic in
                recorder.messages(on: topic).compactMap { Self.json($0.payload) }
            }
        }
        let finished = await recorder.wait(timeout: 10) { _ in
            events().contains { $0["event"] as? String == "finished" }
        }
        #expect(finished, "\(events().map { $0["event"] ?? "" })")
        let transferred = try #require(events().first { $0["event"] as? String == "transferred" })
        let transfer = (transferred["call"] as? [String: Any])?["transfer"] as? [String: Any]
        #expect(transfer?["kind"] as? String == "blind")
        #expect(transfer?["number"] as? String == "300")
        #expect(recorder.messages(on: "pbx/agent/\(agent)/call").last?.payload.isEmpty == true)
        _ = try? await caller.shutdown().get()
        await harness.stop()
    }
}
