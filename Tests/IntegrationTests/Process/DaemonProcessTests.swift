import AMISimulator
import Foundation
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon as an operator runs it: a child process, configured by a YAML file, stopped and
/// reloaded by signals, watched over HTTP.
@Suite(.serialized) struct DaemonProcessTests {
    /// Should, on SIGTERM, publish `offline` itself and exit 0 within 5 s; its JSON log lines
    /// parse and never hold a secret.
    @Test func sigtermPublishesOfflineAndExitsCleanly() async throws {
        let daemon = try await DaemonProcess.start()
        let recorder = try daemon.recorder()
        defer { recorder.stop() }
        #expect(
            await recorder.wait(timeout: 15) {
                $0["pbx/bridge/state"]?.contains("online") == true && $0["pbx/agent/149/name"] != nil
            })

        let stopping = Date()
        daemon.process.send(signal: SIGTERM)
        let result = await daemon.process.waitForExit(timeout: 8)
        #expect(!result.timedOut)
        #expect(result.exitCode == 0)
        #expect(Date().timeIntervalSince(stopping) < 5)
        // The bridge's own offline (with version and time), not the Last Will: a clean stop.
        #expect(await recorder.wait { $0["pbx/bridge/state"]?.contains(#""state":"offline","version""#) == true })

        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count > 5)
        for line in lines {
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not a JSON line: \(line)")
        }
        #expect(!result.stderr.contains(DaemonProcess.amiSecret))
        #expect(!result.stderr.contains(DaemonProcess.mqttPassword))
        await daemon.stop()
    }

    /// Should leave `offline` on `{p}/bridge/state` through the Last Will when killed outright.
    @Test func lastWillMarksOfflineWhenKilled() async throws {
        let daemon = try await DaemonProcess.start()
        let recorder = try daemon.recorder()
        defer { recorder.stop() }
        #expect(await recorder.wait(timeout: 15) { $0["pbx/bridge/state"]?.contains("online") == true })
        daemon.process.send(signal: SIGKILL)
        #expect(await recorder.wait(timeout: 5) { $0["pbx/bridge/state"] == #"{"state":"offline"}"# })
        await daemon.stop()
    }

    /// Should apply a changed scope on SIGHUP (topics of a queue no longer tracked are cleared),
    /// and reject an invalid file while it keeps serving on the previous configuration.
    @Test func sighupReloadsAndRejectsInvalidConfiguration() async throws {
        let daemon = try await DaemonProcess.start()
        let recorder = try daemon.recorder()
        defer { recorder.stop() }
        #expect(
            await recorder.wait(timeout: 15) {
                $0["pbx/agent/149/queueMemberStatus/q2"] != nil && $0["pbx/queue/q1/count"] != nil
            })

        try daemon.rewrite(
            DaemonProcess.yaml(
                simulatorPort: daemon.simulator.port, brokerPort: daemon.broker.port, httpPort: daemon.httpPort,
                extra: "model:\n  queues: [q1]"))
        daemon.process.send(signal: SIGHUP)
        let rescoped = await recorder.wait(timeout: 8) {
            $0["pbx/agent/149/queueMemberStatus/q2"] == nil && $0["pbx/queue/q2/count"] == nil
                && $0["pbx/queue/q1/count"] != nil
        }
        #expect(rescoped, "state: \(recorder.state.keys.sorted())")
        #expect(await daemon.process.waitForStandardError(containing: "configuration reloaded"))

        try daemon.rewrite("ami:\n  port: 99999\n")
        daemon.process.send(signal: SIGHUP)
        #expect(await daemon.process.waitForStandardError(containing: "configuration reload rejected"))
        #expect(daemon.process.isRunning)
        await daemon.simulator.setDeviceState("Custom:146", .inUse)
        #expect(await recorder.wait { $0["pbx/agent/146/extensionStatus"]?.contains("\"inuse\"") == true })
        #expect(recorder.json("pbx/bridge/state")?["state"] as? String == "online")
        await daemon.stop()
    }

    /// Should turn Home Assistant discovery on at a SIGHUP (schema-valid configs for every
    /// agent and queue appear), and say that an http.* change waits for a restart.
    @Test func sighupEnablesHomeAssistantDiscovery() async throws {
        let daemon = try await DaemonProcess.start()
        let recorder = try TopicRecorder(
            port: daemon.broker.port, filter: "homeassistant/#", username: "bridge",
            password: DaemonProcess.mqttPassword)
        defer { recorder.stop() }
        #expect(await daemon.process.waitForStandardError(containing: "AMI state synchronised", timeout: 15))
        #expect(recorder.state.isEmpty, "discovery is off by default")
        let web = Fixtures.repositoryRoot.appendingPathComponent("web").path
        try daemon.rewrite(
            DaemonProcess.yaml(
                simulatorPort: daemon.simulator.port, brokerPort: daemon.broker.port, httpPort: daemon.httpPort,
                httpExtra: "\n  web: true\n  webDirectory: \(web)", extra: "homeassistant:\n  enabled: true"))
        daemon.process.send(signal: SIGHUP)
        let fixture = CallCenterConfiguration.fixture
        let expected = 1 + fixture.hints.count + 4 * fixture.queues.count
        #expect(await recorder.wait(timeout: 10) { $0.count == expected }, "\(recorder.state.keys.sorted())")
        for (topic, payload) in recorder.state {
            let problems = HomeAssistantSchema.problems(
                topic: topic, payload: Data(payload.utf8), discoveryPrefix: "homeassistant")
            #expect(problems.isEmpty, "\(problems)")
        }
        #expect(await daemon.process.waitForStandardError(containing: "takes effect at the next restart"))
        #expect(try await daemon.http("/").status == 404, "the pages wait for a restart")
        await daemon.stop()
    }

    /// Should move the retained topics on a prefix change: the new prefix gets the whole state,
    /// the old one is left empty (no stale copies), and the Last Will moves with it.
    @Test func sighupPrefixChangeMovesRetainedTopics() async throws {
        let daemon = try await DaemonProcess.start()
        let recorder = try TopicRecorder(
            port: daemon.broker.port, filter: "#", username: "bridge", password: DaemonProcess.mqttPassword)
        defer { recorder.stop() }
        // Presence topics sort (and so go out) last: the whole state is there once 150's is.
        #expect(
            await recorder.wait(timeout: 15) {
                $0["pbx/agent/149/name"] != nil && $0["pbx/bridge/state"] != nil
                    && $0["pbx/extension/150/presence"] != nil
            })
        let oldTopics = Set(recorder.state.keys)

        try daemon.rewrite(
            DaemonProcess.yaml(
                simulatorPort: daemon.simulator.port, brokerPort: daemon.broker.port, httpPort: daemon.httpPort,
                prefix: "pbx2", extra: ""))
        daemon.process.send(signal: SIGHUP)
        let moved = await recorder.wait(timeout: 10) { state in
            state.keys.allSatisfy { $0.hasPrefix("pbx2/") } && state["pbx2/agent/149/name"] != nil
                && state["pbx2/bridge/state"]?.contains("online") == true
        }
        #expect(moved, "state: \(recorder.state.keys.sorted())")
        #expect(Set(recorder.state.keys) == Set(oldTopics.map { "pbx2/" + $0.dropFirst("pbx/".count) }))
        // A fresh subscriber finds nothing left under the old prefix.
        let fresh = try TopicRecorder(
            port: daemon.broker.port, filter: "pbx/#", username: "bridge", password: DaemonProcess.mqttPassword)
        defer { fresh.stop() }
        try await Task.sleep(for: .milliseconds(500))
        #expect(fresh.state.isEmpty, "left behind: \(fresh.state.keys.sorted())")
        daemon.process.send(signal: SIGKILL)
        #expect(await recorder.wait { $0["pbx2/bridge/state"] == #"{"state":"offline"}"# })
        await daemon.stop()
    }

    /// Should serve Prometheus text whose counters move with traffic, and a `/healthz` that
    /// fails while the broker is down and recovers with it.
    @Test func metricsAndHealthFollowTheLinks() async throws {
        let daemon = try await DaemonProcess.start()
        let recorder = try daemon.recorder()
        defer { recorder.stop() }
        #expect(
            await recorder.wait(timeout: 15) {
                $0["pbx/bridge/state"]?.contains("online") == true && $0["pbx/agent/149/name"] != nil
            })

        let healthy = try await daemon.http("/healthz")
        #expect(healthy.status == 200)
        let before = try await daemon.http("/metrics")
        #expect(before.status == 200)
        for line in before.body.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(
                line.wholeMatch(
                    of:
                        /[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eE]+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (NaN|\+Inf|-Inf)/
                ) != nil, "not Prometheus text: \(line)")
        }
        let eventsBefore = Self.sum(of: "pbx2mqtt_ami_events_total", in: before.body)
        for state in [DeviceState.inUse, .notInUse, .inUse, .notInUse] {
            await daemon.simulator.setDeviceState("Custom:147", state)
        }
        #expect(await recorder.wait { $0["pbx/agent/147/extensionStatus"] != nil })
        try await Task.sleep(for: .milliseconds(300))
        let after = try await daemon.http("/metrics")
        #expect(Self.sum(of: "pbx2mqtt_ami_events_total", in: after.body) >= eventsBefore + 4)
        #expect(Self.sum(of: "pbx2mqtt_mqtt_publishes_total", in: after.body) > 0)

        daemon.broker.kill9()
        var down = (status: 0, body: "")
        for _ in 0..<40 {
            down = try await daemon.http("/healthz")
            if down.status == 503 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(down.status == 503)
        #expect(down.body.contains("broker"))
        try await daemon.broker.restart()
        var up = 0
        for _ in 0..<60 {
            up = try await daemon.http("/healthz").status
            if up == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(up == 200)
        await daemon.stop()
    }

    /// Sums every sample of `metric` in Prometheus text.
    static func sum(of metric: String, in text: String) -> Double {
        text.split(separator: "\n").reduce(0) { total, line in
            guard line.hasPrefix(metric + "{") || line.hasPrefix(metric + " "),
                let value = line.split(separator: " ").last.flatMap({ Double($0) })
            else {
                return total
            }
            return total + value
        }
    }
}
