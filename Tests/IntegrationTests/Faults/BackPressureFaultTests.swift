import AMISimulator
import Bridge
import Foundation
import InMemoryLogging
import LocalMosquitto
import Logging
import MQTT
import PBXTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A broker that stops taking publications (frozen with SIGSTOP, as an overloaded one stalls)
/// while traffic goes on, with a subscriber that reads nothing at all.
@Suite(.serialized) struct BackPressureFaultTests {
    static let maxQueued = 40

    /// Should keep the outgoing queue within `mqtt.maxQueued`, count what waited and what was
    /// dropped (one log line per episode), and converge once the broker takes messages again.
    @Test func frozenBrokerAndSlowSubscriber() async throws {
        let rig = try await FaultRig.start(callCenter: .generated(agents: 30, queues: 3), maxQueued: Self.maxQueued)
        let recorder = try rig.recorder()
        defer { recorder.stop() }
        // The slow subscriber: subscribed at QoS 1, then frozen; the broker queues for it and
        // drops beyond its own limit, which must not hold up the bridge.
        let slow = try RunningCommand(
            "/usr/bin/mosquitto_sub", rig.broker.clientArguments + ["-t", "pbx/#", "-q", "1", "-i", "slow-subscriber"])
        #expect(await FaultConvergence.poll { rig.broker.logText.contains("slow-subscriber") })
        slow.send(signal: SIGSTOP)
        let simulator = try rig.simulator
        await simulator.startTraffic(
            TrafficConfiguration(
                callsPerSecond: 40, seed: 7, abandonRate: 0.3, talkTime: 0.2...0.6, ringTime: 0.05...0.2,
                patience: 0.2...0.6))
        let mark = recorder.sequence
        #expect(await FaultConvergence.poll(timeout: 20) { recorder.sequence - mark > 50 }, "no traffic")

        let drainedBefore = Self.drainedLines(rig).count
        rig.broker.pause()
        let pressure = ContinuousClock.now
        var deepest = 0
        // Four seconds of a frozen broker under traffic, watching the client's queue.
        while ContinuousClock.now - pressure < .seconds(4) {
            deepest = max(deepest, rig.mqtt.queuedMessageCount)
            try await Task.sleep(for: .milliseconds(5))
        }
        let started = rig.logs.entries.contains { "\($0.message)".hasPrefix("MQTT outgoing queue full") }
        rig.broker.resume()
        let back = ContinuousClock.now
        print("FAULT back-pressure: deepest queue \(deepest) of \(Self.maxQueued)")
        #expect(deepest <= Self.maxQueued)
        #expect(deepest >= Self.maxQueued / 2, "the frozen broker put no pressure on the queue")
        #expect(started, "no back-pressure episode began")

        #expect(await FaultConvergence.quiesce(simulator))
        let truth = try await FaultConvergence.truth(amiPort: rig.amiPort)
        let outcome = try await FaultConvergence.converge(
            "frozen broker (back-pressure) and a slow subscriber", recorder: recorder, truth: truth,
            faultEnded: back, broker: rig.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])

        // The episode's closing line carries its counts: state that waited, events dropped.
        #expect(await FaultConvergence.poll(timeout: 10) { Self.drainedLines(rig).count > drainedBefore })
        let summary = Self.drainedLines(rig).last
        let deferred = Int(summary?.metadata["mqtt.deferred"]?.description ?? "") ?? 0
        let dropped = Int(summary?.metadata["mqtt.dropped"]?.description ?? "") ?? 0
        print("FAULT back-pressure: \(deferred) state publications waited, \(dropped) events dropped")
        #expect(deferred > 0)
        #expect(dropped > 0)

        slow.send(signal: SIGCONT)
        slow.terminate()
        await rig.stop()
    }

    /// The closing lines of the back-pressure episodes so far.
    private static func drainedLines(_ rig: FaultRig) -> [InMemoryLogHandler.Entry] {
        rig.logs.entries.filter { "\($0.message)" == "MQTT outgoing queue drained" }
    }
}
