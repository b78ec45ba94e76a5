import AMISimulator
import Foundation
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The bridge itself dying: the real daemon killed with SIGKILL mid-traffic and started again
/// after Asterisk lost agents meanwhile.
@Suite(.serialized) struct BridgeKillFaultTests {
    /// Should, once restarted, leave exactly the current state retained: the resync after the
    /// restart republishes what changed and the stale-topic sweep clears the topics of the
    /// agents removed while it was down.
    @Test func bridgeKilledAndRestarted() async throws {
        let daemon = try await DaemonProcess.start(callCenter: .generated(agents: 12, queues: 2))
        let recorder = try FaultConvergence.recorder(
            port: daemon.broker.port, username: daemon.broker.username, password: daemon.broker.password)
        defer { recorder.stop() }
        #expect(
            await recorder.wait(timeout: 30) {
                $0["pbx/agent/2012/name"] != nil && $0["pbx/bridge/state"]?.contains("online") == true
            })
        await daemon.simulator.startTraffic(
            TrafficConfiguration(
                callsPerSecond: 8, seed: 9, abandonRate: 0.2, talkTime: 0.3...1.0, ringTime: 0.1...0.4,
                patience: 0.3...1.0))
        #expect(await recorder.wait(timeout: 20) { state in state.keys.contains { $0.hasSuffix("/phoneNumber") } })

        daemon.process.send(signal: SIGKILL)
        #expect(!(await daemon.process.waitForExit(timeout: 10)).timedOut)
        #expect(await recorder.wait(timeout: 10) { $0["pbx/bridge/state"] == #"{"state":"offline"}"# })
        // Asterisk restarts while the bridge is down, with four agents fewer and no calls.
        try await daemon.simulator.shutdown()
        let simulator = try await Self.restartSimulator(port: daemon.simulator.port)
        let restarted = try DaemonProcess.launch(configFile: daemon.configFile)
        let back = ContinuousClock.now

        let truth = try await FaultConvergence.truth(amiPort: simulator.port, amiSecret: DaemonProcess.amiSecret)
        let outcome = try await FaultConvergence.converge(
            "bridge kill -9, agents removed while down", recorder: recorder, truth: truth, faultEnded: back,
            broker: daemon.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(FaultConvergence.regressions(in: recorder) == [])
        let stale = FaultConvergence.view(of: recorder).keys.filter { $0.hasPrefix("pbx/agent/2012/") }
        #expect(stale.isEmpty, "stale: \(stale)")
        #expect(await restarted.waitForStandardError(containing: "cleared stale retained topics", timeout: 10))

        restarted.terminate()
        try? await simulator.shutdown()
        await daemon.stop()
    }

    /// The same port, the daemon's user, agents 2009–2012 gone.
    private static func restartSimulator(port: Int) async throws -> AMISimulator {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                return try await DaemonProcess.startSimulator(callCenter: .generated(agents: 8, queues: 2), port: port)
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError ?? FaultRigError.simulatorDown
    }
}
