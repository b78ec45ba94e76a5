import AMI
import AMISimulator
import Foundation
import LocalMosquitto
import MQTT

/// 4. Peak RSS of the real daemon: `pbx2mqtt run` as a child process against the bench's
/// simulator and broker, `VmHWM` read from `/proc/<pid>/status` after the initial sync and
/// after the event stream, so nothing of the bench itself is counted.
struct MemoryScenario {
    let sizes: BenchSizes
    let broker: MosquittoBroker
    let binary: String

    /// `pbx2mqtt` next to this executable (both come from the same `swift build`).
    static func defaultBinary() -> String {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("pbx2mqtt").path
    }

    func run() async throws -> ScenarioResult {
        var result = ScenarioResult(id: "memory", title: "Memory")
        guard FileManager.default.isExecutableFile(atPath: self.binary) else {
            throw BenchError.setup(
                "no pbx2mqtt executable at \(self.binary): build it with the bench (swift build [-c release]) or pass --bridge-binary"
            )
        }
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                callCenter: .generated(agents: self.sizes.memoryAgents, queues: self.sizes.queues)),
            logger: BenchLog.quiet)
        let expected = try await SyncScenario.expectedTopicCount(port: simulator.port)
        let prefix = "mem\(BenchIDs.next())"
        let topics = Shared<Set<String>>([])
        let subscriber = try BenchSubscriber(
            host: self.broker.host, port: self.broker.port, filter: "\(prefix)/#", qos: .atMostOnce, id: prefix
        ) { message, _ in
            if !message.topic.hasSuffix("/agentCalled") { topics.withLock { _ = $0.insert(message.topic) } }
        }
        try await subscriber.ready()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.binary)
        process.arguments = [
            "run", "--ami-host", "127.0.0.1", "--ami-port", String(simulator.port), "--ami-username",
            SimulatorUser.bridge.username, "--mqtt-host", self.broker.host, "--mqtt-port", String(self.broker.port),
            "--mqtt-client-id", "bench-\(prefix)", "--prefix", prefix, "--log-level", "warning",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["PBX2MQTT_AMI_SECRET"] = SimulatorUser.bridge.secret
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        let pid = process.processIdentifier
        try await waitUntil(
            "the daemon's initial sync (\(expected) topics)", timeout: 60, stall: 10,
            progress: {
                topics.withLock { $0.count }
            }
        ) {
            topics.withLock { $0.count } >= expected
        }
        let afterSync = try Self.status(pid: pid)
        result.add(Metric("RSS after sync (\(self.sizes.memoryAgents) agents)", afterSync.rss, "MB"))
        result.add(Metric("anonymous RSS after sync", afterSync.anon, "MB"))

        let events = EventTemplates.memoryMix(
            agents: self.sizes.memoryAgents, queues: self.sizes.queues, distinct: 1000)
        let before = subscriber.received
        let start = MonotonicClock.nanoseconds()
        try await simulator.firehose(events, count: self.sizes.memoryEvents)
        let streamed = MonotonicClock.seconds(since: start)
        // Done when the daemon's output has been quiet for a second.
        var last = subscriber.received
        var quietSince = MonotonicClock.nanoseconds()
        while MonotonicClock.seconds(since: quietSince) < 1 {
            try await Task.sleep(for: .milliseconds(50))
            let now = subscriber.received
            if now != last {
                last = now
                quietSince = MonotonicClock.nanoseconds()
            }
            guard process.isRunning else { throw BenchError.setup("pbx2mqtt exited with \(process.terminationStatus)") }
        }
        let after = try Self.status(pid: pid)
        result.add(Metric("RSS after \(self.sizes.memoryEvents) events", after.rss, "MB"))
        result.add(Metric("anonymous RSS after the events", after.anon, "MB"))
        result.add(Metric("file-backed RSS (code pages)", after.file, "MB"))
        result.add(Metric("peak RSS (VmHWM)", after.hwm, "MB", goal: "< 25 MB", met: after.hwm < 25))
        if let stripped = Self.strippedSize(of: self.binary) {
            result.add(Metric("stripped binary size", stripped, "MB"))
        }
        result.add(Metric("events streamed into the daemon", Double(self.sizes.memoryEvents) / streamed, "ev/s"))
        result.add(Metric("MQTT messages seen", Double(subscriber.received - before), "msg"))
        result.notes.append(
            "\(self.binary) run, default configuration (QoS 1, mqtt.maxQueued 10,000, event filter on, Events: call,agent), "
                + "\(self.sizes.memoryAgents) agents in \(self.sizes.queues) queues; mix per agent: AgentCalled, ExtensionStatus "
                + "InUse/Idle, QueueMemberStatus paused/unpaused, VarSet (filtered out by Asterisk-side filter)")
        process.terminate()
        process.waitUntilExit()
        subscriber.stop()
        try await simulator.shutdown()
        return result
    }

    /// The size of `binary` without symbols and debug info (`strip -o`), in MB: what a deployment
    /// ships and maps, unlike the debug-info-laden build output. Nil without binutils' strip.
    static func strippedSize(of binary: String) -> Double? {
        let output = FileManager.default.temporaryDirectory
            .appendingPathComponent("pbx2mqtt-stripped-\(ProcessInfo.processInfo.processIdentifier)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let strip = Process()
        strip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        strip.arguments = ["strip", "-o", output, binary]
        strip.standardError = FileHandle.nullDevice
        guard (try? strip.run()) != nil else { return nil }
        strip.waitUntilExit()
        guard strip.terminationStatus == 0,
            let size = (try? FileManager.default.attributesOfItem(atPath: output))?[.size] as? Int
        else { return nil }
        return Double(size) / 1_048_576
    }

    /// VmRSS, VmHWM, RssAnon (heap and stacks) and RssFile (mapped code) of `pid`, in MB.
    static func status(pid: Int32) throws -> (rss: Double, hwm: Double, anon: Double, file: Double) {
        let text = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func value(_ key: String) -> Double {
            for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
                let digits = line.dropFirst(key.count + 1).filter(\.isNumber)
                return (Double(String(digits)) ?? 0) / 1024
            }
            return 0
        }
        return (value("VmRSS"), value("VmHWM"), value("RssAnon"), value("RssFile"))
    }
}
