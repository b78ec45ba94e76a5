import AMISimulator
import Foundation
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon under a fake systemd: `NOTIFY_SOCKET` is a datagram socket the test reads, as
/// systemd does for `Type=notify` and `WatchdogSec=`.
@Suite(.serialized) struct SystemdNotifyProcessTests {
    /// Should send READY=1 once, only after the first AMI sync with MQTT up, STATUS= lines as
    /// the AMI link drops and returns, WATCHDOG=1 every half WATCHDOG_USEC, and STOPPING=1 on
    /// SIGTERM before exiting 0.
    @Test func notifiesReadinessStatusWatchdogAndStopping() async throws {
        let socket = try FakeNotifySocket()
        let daemon = try await DaemonProcess.start(
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        defer { daemon.process.terminate() }

        #expect(await socket.wait(timeout: 20) { !$0.messages(with: "READY=1").isEmpty }, "\(socket.messages)")
        let ready = try #require(socket.messages(with: "READY=1").first)
        // READY carries the status of the complete model: both links up, the fixture's counts.
        #expect(ready.message.contains("STATUS=AMI connected, MQTT connected, 5 agents / 2 queues"), "\(ready)")
        // The sync was logged before the daemon told systemd it is ready.
        #expect(await daemon.process.waitForStandardError(containing: "told systemd"))
        let log = daemon.process.stderr
        let synced = try #require(log.range(of: "AMI state synchronised"))
        let told = try #require(log.range(of: "told systemd"))
        #expect(synced.lowerBound < told.lowerBound)
        // And the retained state is there for a subscriber.
        let recorder = try daemon.recorder()
        defer { recorder.stop() }
        #expect(await recorder.wait(timeout: 5) { $0["pbx/agent/149/name"] != nil })

        // Pings every 200 ms (half of 400 ms), from the daemon's loop.
        let pingsBefore = socket.messages(with: "WATCHDOG=1").count
        try await Task.sleep(for: .milliseconds(1200))
        let pings = socket.messages(with: "WATCHDOG=1")
        #expect(pings.count - pingsBefore >= 3, "pings: \(pings.count - pingsBefore)")
        let gaps = zip(pings, pings.dropFirst()).map { $1.time.timeIntervalSince($0.time) }.sorted()
        let median = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
        #expect(median > 0.1 && median < 0.35, "median gap \(median)")

        // A status line per connection change.
        await daemon.simulator.dropAllConnections()
        #expect(
            await socket.wait {
                $0.statuses.contains("AMI disconnected, MQTT connected, 5 agents / 2 queues")
            }, "\(socket.statuses)")
        #expect(
            await socket.wait {
                $0.statuses.last == "AMI connected, MQTT connected, 5 agents / 2 queues"
            }, "\(socket.statuses)")
        #expect(socket.messages(with: "READY=1").count == 1)

        daemon.process.send(signal: SIGTERM)
        let result = await daemon.process.waitForExit(timeout: 8)
        #expect(result.exitCode == 0)
        #expect(socket.messages(with: "STOPPING=1").count == 1)
        await daemon.stop()
        await socket.stop()
    }
}
