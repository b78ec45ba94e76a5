import AMISimulator
import Foundation
import LocalMosquitto
import Testing

/// Asterisk's side failing under the bridge: the connection dropped mid-traffic, Asterisk back
/// with other state, an Asterisk that accepts and never answers, one that stops mid-packet.
/// Each test ends with an independent subscriber's view equal to a fresh bridge's publication.
@Suite(.serialized) struct AMIFaultTests {
    /// Traffic on a generated call center, with agents in several queues.
    static let traffic = TrafficConfiguration(
        callsPerSecond: 8, seed: 14, abandonRate: 0.2, talkTime: 0.3...1.0, ringTime: 0.1...0.4, patience: 0.3...1.0)

    /// Should, after the AMI connection dropped mid-traffic and stayed down while the calls in
    /// progress ended unseen, resync to exactly the PBX's state: no call left, counts and
    /// member states right.
    @Test func amiDroppedMidTrafficResyncs() async throws {
        let rig = try await FaultRig.start(callCenter: .generated(agents: 20, queues: 3))
        let recorder = try rig.recorder()
        defer { recorder.stop() }
        let simulator = try rig.simulator
        await simulator.startTraffic(Self.traffic)
        #expect(
            await recorder.wait(timeout: 20) { state in state.keys.contains { $0.hasSuffix("/phoneNumber") } },
            "no call reached an agent")
        let mark = recorder.sequence

        // Down for 2 s: listener closed first, then every connection dropped; no new call is
        // placed and the calls in progress (at most ~2 s long) end while nobody listens.
        let refusing = Task { try await simulator.refuseConnections(for: .seconds(2)) }
        #expect(await FaultConvergence.poll(timeout: 10) { !MosquittoBroker.accepts(port: rig.amiPort) })
        let closed = ContinuousClock.now
        await simulator.stopTraffic()
        await simulator.dropAllConnections()
        try await refusing.value
        // Listening again 2 s after the listener closed (seen closed a little later): on a
        // loaded machine this task may resume after the bridge is already back.
        let back = min(ContinuousClock.now, closed + .seconds(2))

        #expect(await FaultConvergence.quiesce(simulator))
        let truth = try await FaultConvergence.truth(amiPort: rig.amiPort)
        let outcome = try await FaultConvergence.converge(
            "AMI dropped mid-traffic, calls ended while down", recorder: recorder, truth: truth, faultEnded: back,
            broker: rig.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])
        let ami = recorder.messages(on: "pbx/bridge/ami").filter { $0.sequence > mark }.map(\.payload)
        #expect(ami.contains { $0.contains(#""state":"disconnected""#) }, "bridge/ami: \(ami)")
        #expect(ami.last?.contains(#""state":"connected""#) == true)
        await rig.stop()
    }

    /// Should, after Asterisk went down mid-traffic and came back with other state (agents
    /// gone, a queue removed and one added, no calls), end with exactly the new state, within
    /// 5 s of Asterisk being back.
    @Test func simulatorRestartedWithDifferentState() async throws {
        let rig = try await FaultRig.start(callCenter: .generated(agents: 20, queues: 3))
        let recorder = try rig.recorder()
        defer { recorder.stop() }
        try await rig.simulator.startTraffic(Self.traffic)
        #expect(
            await recorder.wait(timeout: 20) { state in state.keys.contains { $0.hasSuffix("/phoneNumber") } },
            "no call reached an agent")

        await rig.shutDownSimulator()
        #expect(await recorder.wait(timeout: 10) { $0["pbx/bridge/ami"]?.contains("disconnected") == true })
        var changed = CallCenterConfiguration.generated(agents: 12, queues: 4)
        changed.queues.removeAll { $0.name == "q3" }
        changed.dynamicMembers.removeAll { $0.queue == "q3" }
        try await rig.startSimulator(callCenter: changed)
        let back = ContinuousClock.now

        let truth = try await FaultConvergence.truth(amiPort: rig.amiPort)
        #expect(truth["pbx/queue/q4/count"] != nil && truth["pbx/queue/q3/count"] == nil)
        let outcome = try await FaultConvergence.converge(
            "Asterisk restarted with other state", recorder: recorder, truth: truth, faultEnded: back,
            broker: rig.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])
        let left = FaultConvergence.view(of: recorder).keys.filter {
            $0.hasPrefix("pbx/agent/2020/") || $0.hasPrefix("pbx/queue/q3/") || $0.hasSuffix("/phoneNumber")
        }
        #expect(left.isEmpty, "stale: \(left)")
        // The bound the issue sets; on this 2-core VM it takes about a second (docs/faults.md).
        #expect(outcome.seconds < 5)
        await rig.stop()
    }

    /// Should notice an Asterisk that keeps the socket open but answers nothing (its keepalive
    /// Ping unanswered), say so on `bridge/ami`, keep retrying against the silent listener
    /// (no banner), and resync once Asterisk answers again.
    @Test func silentAsteriskIsDetectedByTheKeepalive() async throws {
        try await Self.detectsADeadPeer(fault: "Asterisk accepts and never answers", partialPacket: nil)
    }

    /// Should notice an Asterisk that stopped in the middle of a packet (the decoder holds half
    /// an event, the Ping's answer never comes), reconnect, say so on `bridge/ami` and resync.
    @Test func asteriskStoppingMidPacketIsDetectedByTheKeepalive() async throws {
        try await Self.detectsADeadPeer(
            fault: "Asterisk stops mid-packet",
            partialPacket: Array("Event: ExtensionStatus\r\nPrivilege: call,all\r\nExten: 149\r\nStat".utf8))
    }

    private static func detectsADeadPeer(fault: String, partialPacket: [UInt8]?) async throws {
        let rig = try await FaultRig.start()
        let recorder = try rig.recorder()
        defer { recorder.stop() }
        let simulator = try rig.simulator
        #expect(await recorder.wait { $0["pbx/bridge/ami"]?.contains(#""state":"connected""#) == true })
        let mark = recorder.sequence

        let stalled = ContinuousClock.now
        await simulator.setStalled(true)
        if let partialPacket { await simulator.sendGarbage(partialPacket) }
        // Changed while silent: only a resync can tell the bridge.
        await simulator.setDeviceState("Custom:149", .inUse)
        let detected = await FaultConvergence.poll {
            recorder.messages(on: "pbx/bridge/ami").contains {
                $0.sequence > mark && $0.payload.contains("did not answer a Ping")
            }
        }
        #expect(detected, "bridge/ami: \(recorder.messages(on: "pbx/bridge/ami").map(\.payload))")
        print("FAULT \(fault): keepalive noticed it after \(FaultConvergence.seconds(.now - stalled)) s")
        // The reconnect meets a listener that sends no banner either: it times out and retries.
        #expect(
            await FaultConvergence.poll {
                recorder.messages(on: "pbx/bridge/ami").contains {
                    $0.sequence > mark && $0.payload.contains("no AMI banner")
                }
            })

        await simulator.setStalled(false)
        let back = ContinuousClock.now
        let truth = try await FaultConvergence.truth(amiPort: rig.amiPort)
        #expect(truth["pbx/agent/149/extensionStatus"]?.contains("\"inuse\"") == true)
        let outcome = try await FaultConvergence.converge(
            fault, recorder: recorder, truth: truth, faultEnded: back, broker: rig.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])
        #expect(recorder.json("pbx/bridge/ami")?["state"] as? String == "connected")
        await rig.stop()
    }
}
