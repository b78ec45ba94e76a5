import AMI
import AMISimulator
import Foundation
import LocalMosquitto
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two real daemons for one Asterisk (`mqtt.standby: true`, same prefix): the active one killed
/// with SIGKILL mid-traffic, the standby taking over, the killed one returning as standby.
@Suite(.serialized) struct ActiveStandbyTests {
    static func environment(_ instance: String, httpPort: Int) -> [String: String] {
        [
            "PBX2MQTT_MQTT_STANDBY": "true", "PBX2MQTT_MQTT_CLIENT_ID": instance,
            "PBX2MQTT_HTTP_LISTEN": "127.0.0.1:\(httpPort)",
        ]
    }

    /// Publishes a command with `mosquitto_pub` (the broker wants the daemon's credentials).
    static func send(_ daemon: DaemonProcess, _ command: String, _ json: String) async throws {
        let result = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub",
            [
                "-h", "127.0.0.1", "-p", "\(daemon.broker.port)", "-u", "bridge", "-P", DaemonProcess.mqttPassword,
                "-q", "1", "-t", "pbx/cmd/\(command)", "-m", json,
            ])
        #expect(result.exitCode == 0, "\(result.stderr)")
    }

    /// The replies to command `id` on the default reply topic.
    static func replies(_ recorder: TopicRecorder, _ command: String, id: String) -> [String] {
        recorder.messages(on: "pbx/reply/\(command)").map(\.payload).filter { $0.contains(#""id":"\#(id)""#) }
    }

    static func pauses(_ daemon: DaemonProcess) async -> Int {
        await daemon.simulator.receivedActions().filter {
            $0.name == "QueuePause" && $0.message["Interface"] == "Local/2001@agents/n"
        }.count
    }

    /// Should keep one instance active: the standby executes nothing, takes over after the
    /// active one's kill -9 (its Last Will), converges to Asterisk's state, answers a command
    /// id the killed instance had run without running it again; the killed instance, started
    /// again, stays standby.
    @Test func standbyTakesOverAfterKill9() async throws {
        let httpA = try MosquittoBroker.freePort()
        let daemon = try await DaemonProcess.start(
            environment: Self.environment("pbx2mqtt-a", httpPort: httpA), callCenter: .generated(agents: 12, queues: 2))
        defer { Task { await daemon.stop() } }
        let recorder = try FaultConvergence.recorder(
            port: daemon.broker.port, username: daemon.broker.username, password: daemon.broker.password)
        defer { recorder.stop() }
        #expect(
            await recorder.wait(timeout: 30) {
                $0["pbx/agent/2012/name"] != nil
                    && $0["pbx/bridge/state"]?.contains(#""state":"online""#) == true
                    && $0["pbx/bridge/state"]?.contains(#""instance":"pbx2mqtt-a""#) == true
            })
        let standby = try DaemonProcess.launch(
            configFile: daemon.configFile,
            environment: Self.environment("pbx2mqtt-b", httpPort: try MosquittoBroker.freePort()))
        defer { standby.terminate() }
        #expect(await standby.waitForStandardError(containing: "this one stands by", timeout: 30))

        await daemon.simulator.startTraffic(
            TrafficConfiguration(
                callsPerSecond: 8, seed: 17, abandonRate: 0.2, talkTime: 0.3...1.0, ringTime: 0.1...0.4,
                patience: 0.3...1.0))
        #expect(await recorder.wait(timeout: 20) { state in state.keys.contains { $0.hasSuffix("/phoneNumber") } })

        // One command: run once, answered once (the standby neither runs nor answers it).
        try await Self.send(daemon, "queue/pause", #"{"id":"c-1","agent":"2001","queue":"q1","paused":true}"#)
        #expect(await recorder.wait(timeout: 15) { _ in !Self.replies(recorder, "queue/pause", id: "c-1").isEmpty })
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.replies(recorder, "queue/pause", id: "c-1").count == 1)
        #expect(await Self.pauses(daemon) == 1)

        let killed = ContinuousClock.now
        daemon.process.send(signal: SIGKILL)
        #expect(!(await daemon.process.waitForExit(timeout: 10)).timedOut)
        let tookOver = await recorder.wait(timeout: 30) {
            $0["pbx/bridge/state"]?.contains(#""instance":"pbx2mqtt-b""#) == true
                && $0["pbx/bridge/state"]?.contains(#""state":"online""#) == true
        }
        #expect(tookOver)
        let states = recorder.messages(on: "pbx/bridge/state")
        let will = states.first { $0.payload == #"{"state":"offline","instance":"pbx2mqtt-a"}"# }
        let online = states.last { $0.payload.contains(#""instance":"pbx2mqtt-b""#) }
        #expect(will != nil)
        if let online {
            print("active/standby: pbx2mqtt-b online \(online.arrival - killed) after the kill -9 of pbx2mqtt-a")
        }

        // The same id again: answered from the standby's memory, not run a second time.
        try await Self.send(daemon, "queue/pause", #"{"id":"c-1","agent":"2001","queue":"q1","paused":true}"#)
        #expect(await recorder.wait(timeout: 15) { _ in Self.replies(recorder, "queue/pause", id: "c-1").count == 2 })
        #expect(Self.replies(recorder, "queue/pause", id: "c-1").last?.contains(#""code":"timeout""#) == true)
        try await Self.send(daemon, "queue/pause", #"{"id":"c-2","agent":"2001","queue":"q1","paused":false}"#)
        #expect(await recorder.wait(timeout: 15) { _ in !Self.replies(recorder, "queue/pause", id: "c-2").isEmpty })
        #expect(await Self.pauses(daemon) == 2)

        // An independent subscriber ends up with exactly Asterisk's state.
        #expect(await FaultConvergence.quiesce(daemon.simulator))
        var truth = try await FaultConvergence.truth(amiPort: daemon.simulator.port, amiSecret: DaemonProcess.amiSecret)
        // The truth's bridge (no pair) names no instance; the view's names the active one.
        if let state = truth["pbx/bridge/state"], state.hasSuffix("}") {
            truth["pbx/bridge/state"] = FaultConvergence.normalized(
                String(state.dropLast()) + #","instance":"pbx2mqtt-b"}"#)
        }
        let outcome = try await FaultConvergence.converge(
            "active killed -9, standby took over", recorder: recorder, truth: truth, faultEnded: killed,
            broker: daemon.broker)
        #expect(outcome.converged, "\(outcome.difference)")
        #expect(
            FaultConvergence.regressions(in: recorder) == [],
            "bridge/ami: \(recorder.messages(on: "pbx/bridge/ami").map(\.payload))")

        // The killed instance comes back: it stays standby, and b stays the one online.
        let returning = try DaemonProcess.launch(
            configFile: daemon.configFile, environment: Self.environment("pbx2mqtt-a", httpPort: httpA))
        defer { returning.terminate() }
        #expect(await returning.waitForStandardError(containing: "this one stands by", timeout: 30))
        #expect(recorder.json("pbx/bridge/state")?["instance"] as? String == "pbx2mqtt-b")
        try await Self.send(daemon, "queue/pause", #"{"id":"c-3","agent":"2001","queue":"q1","paused":true}"#)
        #expect(await recorder.wait(timeout: 15) { _ in !Self.replies(recorder, "queue/pause", id: "c-3").isEmpty })
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.replies(recorder, "queue/pause", id: "c-3").count == 1)
        #expect(await Self.pauses(daemon) == 3)
    }
}
