import Foundation
import LocalMosquitto
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The README's demo, run as a new user runs it.
@Suite struct DemoProcessTests {
    /// Should print live topics (state and call events) within seconds, stop on SIGTERM with
    /// exit 0, and take its private broker down with it.
    @Test func demoPrintsLiveTopicsAndCleansUp() async throws {
        let demo = try RunningCommand(
            DaemonProcess.executable, ["demo", "--agents", "4", "--queues", "2", "--cps", "4"])
        #expect(await demo.waitForOutput(containing: "agent/2001/extensionStatus", timeout: 15))
        #expect(await demo.waitForOutput(containing: "ringing:", timeout: 15))
        let port = try #require(Self.brokerPort(in: demo.stdout))
        #expect(MosquittoBroker.accepts(port: port))

        demo.send(signal: SIGTERM)
        let result = await demo.waitForExit(timeout: 10)
        #expect(!result.timedOut)
        #expect(result.exitCode == 0)
        #expect(!MosquittoBroker.accepts(port: port))
    }

    /// The port from the banner's `mosquitto_sub -h 127.0.0.1 -p PORT` hint.
    static func brokerPort(in output: String) -> Int? {
        guard let match = output.firstMatch(of: /-p (\d+)/) else { return nil }
        return Int(match.1)
    }
}
