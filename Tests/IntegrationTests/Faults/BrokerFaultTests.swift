import AMISimulator
import Bridge
import Foundation
import LocalMosquitto
import NIOCore
import Testing

/// The broker failing under the bridge: killed during a burst, restarted with or without its
/// store, down together with Asterisk. Each test ends with an independent subscriber's view
/// equal to a fresh bridge's publication (a subscriber reconnecting to a restarted broker
/// starts its view again from what the broker retains).
@Suite(.serialized) struct BrokerFaultTests {
    /// A burst: many short calls at once.
    static let burst = TrafficConfiguration(
        callsPerSecond: 30, seed: 41, abandonRate: 0.3, talkTime: 0.2...0.8, ringTime: 0.05...0.3,
        patience: 0.2...0.8)

    /// Should put back exactly the current state after the broker is killed with SIGKILL in
    /// the middle of a burst (losing every retained message and whatever was in flight) and
    /// restarted, the burst's calls having ended while it was down.
    @Test func brokerKilledDuringABurst() async throws {
        let rig = try await FaultRig.start(callCenter: .generated(agents: 30, queues: 3))
        let recorder = try rig.recorder()
        defer { recorder.stop() }
        let simulator = try rig.simulator
        await simulator.startTraffic(Self.burst)
        let mark = recorder.sequence
        #expect(await FaultConvergence.poll(timeout: 20) { recorder.sequence - mark > 100 }, "no burst")

        rig.broker.kill9()
        await simulator.stopTraffic()
        try await Task.sleep(for: .seconds(1))  // down for a while: part of the fault, not a wait for a result
        try await rig.broker.restart()
        let back = ContinuousClock.now

        #expect(await FaultConvergence.quiesce(simulator))
        let truth = try await FaultConvergence.truth(amiPort: rig.amiPort)
        let outcome = try await FaultConvergence.converge(
            "broker kill -9 during a burst", recorder: recorder, truth: truth, faultEnded: back, broker: rig.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])
        await rig.stop()
    }

    /// Should end with exactly the current state after a persistent broker is killed and
    /// restarted, with its store deleted (it comes back empty) or kept (it comes back with the
    /// retained values of before: stale ones for the agents that left meanwhile), while
    /// Asterisk meanwhile lost agents and a device changed state.
    @Test(arguments: [true, false]) func brokerRestarted(storeDeleted: Bool) async throws {
        let rig = try await FaultRig.start(callCenter: .generated(agents: 12, queues: 2), persistence: true)
        let recorder = try rig.recorder()
        defer { recorder.stop() }
        #expect(await recorder.wait { $0["pbx/agent/2012/name"] != nil })
        #expect(await Self.saved(rig.broker, after: Date()), "the broker saved no store")
        rig.broker.kill9()
        if storeDeleted {
            try FileManager.default.removeItem(at: rig.broker.persistenceFile)
        }
        let simulator = try await rig.startSimulator(callCenter: .generated(agents: 8, queues: 2))
        await simulator.setDeviceState("Custom:2001", .inUse)
        // The bridge saw the new Asterisk while the broker was away.
        #expect(await FaultConvergence.poll { await simulator.connectionCount() > 0 })
        #expect(await FaultConvergence.poll { (try? await rig.bridge.health().get())?.amiConnected == true })
        try await rig.broker.restart()
        let back = ContinuousClock.now

        let truth = try await FaultConvergence.truth(amiPort: rig.amiPort)
        let fault = storeDeleted ? "broker restarted, store deleted" : "broker restarted with its store"
        let outcome = try await FaultConvergence.converge(
            fault, recorder: recorder, truth: truth, faultEnded: back, broker: rig.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])
        #expect(!FaultConvergence.view(of: recorder).keys.contains { $0.hasPrefix("pbx/agent/2012/") })
        await rig.stop()
    }

    /// Which side comes back first after both were down.
    enum Order: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case brokerFirst
        case amiFirst
        var testDescription: String { self.rawValue }
    }

    /// Should end with exactly the current state after the broker (killed, persistent: it
    /// keeps what it had saved) and Asterisk (back with agents gone) were down at once, whichever
    /// comes back first.
    @Test(arguments: Order.allCases) func brokerAndAsteriskDownTogether(order: Order) async throws {
        let rig = try await FaultRig.start(callCenter: .generated(agents: 12, queues: 2), persistence: true)
        let recorder = try rig.recorder()
        defer { recorder.stop() }
        #expect(await recorder.wait { $0["pbx/agent/2012/name"] != nil })
        #expect(await Self.saved(rig.broker, after: Date()), "the broker saved no store")

        rig.broker.kill9()
        await rig.shutDownSimulator()
        try await Task.sleep(for: .seconds(1))  // both down for a while: part of the fault
        let changed = CallCenterConfiguration.generated(agents: 9, queues: 2)
        switch order {
        case .brokerFirst:
            try await rig.broker.restart()
            try await Task.sleep(for: .seconds(1))
            try await rig.startSimulator(callCenter: changed)
        case .amiFirst:
            try await rig.startSimulator(callCenter: changed)
            try await Task.sleep(for: .seconds(1))
            try await rig.broker.restart()
        }
        let back = ContinuousClock.now

        let truth = try await FaultConvergence.truth(amiPort: rig.amiPort)
        let outcome = try await FaultConvergence.converge(
            "broker and Asterisk down, \(order.rawValue)", recorder: recorder, truth: truth, faultEnded: back,
            broker: rig.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])
        await rig.stop()
    }

    /// Waits until the broker's autosave (every second) wrote its store after `time`, so that
    /// the store holds the state published before.
    private static func saved(_ broker: MosquittoBroker, after time: Date) async -> Bool {
        await FaultConvergence.poll(timeout: 15) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: broker.persistenceFile.path)
            return (attributes?[.modificationDate] as? Date).map { $0 > time } ?? false
        }
    }
}
