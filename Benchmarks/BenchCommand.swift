import ArgumentParser
import Foundation
import LocalMosquitto

/// `pbx2mqtt-bench`: every figure of Benchmarks/README.md in one run on one machine, printed
/// as a table and written as JSON. `--smoke` runs each scenario at tiny sizes in seconds so
/// CI keeps the benchmarks compiling and working; its figures mean nothing.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pbx2mqtt-bench",
        abstract: "Benchmarks the bridge against the AMI simulator and a private mosquitto."
    )

    static let allScenarios = [
        "throughput", "latency", "capacity", "sync", "flood", "restart", "memory", "ami-traffic", "command", "reducer",
        "parser",
    ]

    @Flag(help: "Tiny sizes, a few seconds in total (CI).")
    var smoke = false

    @Option(help: "Where to write the JSON results (default Benchmarks/results.json; with --smoke, a temporary file).")
    var json: String?

    @Option(help: "Also write the results as a markdown table to this file.")
    var markdown: String?

    @Option(help: "Comma-separated scenarios to run (\(Self.allScenarios.joined(separator: ","))); default all.")
    var only: String?

    @Option(help: "The pbx2mqtt executable the memory scenario runs (default: next to this one).")
    var bridgeBinary: String?

    @Option(help: "State floods to run instead of the default, as AGENTSxEVENTS[,...] (e.g. 500x100000).")
    var flood: String?

    @Option(help: "Rounds of each state flood (default 3; 1 with --smoke).")
    var rounds: Int?

    @Option(help: "The bridge's state window (BridgeConfiguration.stateWindow), to measure another choice.")
    var stateWindow: Int?

    mutating func run() async throws {
        let selected = self.only.map { Set($0.split(separator: ",").map(String.init)) } ?? Set(Self.allScenarios)
        if let unknown = selected.first(where: { !Self.allScenarios.contains($0) }) {
            throw ValidationError("unknown scenario \(unknown); pick from \(Self.allScenarios.joined(separator: ","))")
        }
        var sizes = self.smoke ? BenchSizes.smoke : BenchSizes.full
        if let flood = self.flood {
            sizes.floodRuns = try flood.split(separator: ",").map { run in
                let parts = run.split(separator: "x").compactMap { Int($0) }
                guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                    throw ValidationError("--flood takes AGENTSxEVENTS[,...], got \(run)")
                }
                return (parts[0], parts[1])
            }
        }
        BenchTuning.stateWindow = self.stateWindow
        if let rounds = self.rounds {
            guard rounds > 0 else { throw ValidationError("--rounds must be at least 1") }
            sizes.floodRounds = rounds
        }
        var report = ResultReport(mode: self.smoke ? "smoke" : "full", machine: Self.machine(), startedAt: Date())
        let started = MonotonicClock.nanoseconds()
        let broker = try await MosquittoBroker.start(quiet: true)
        defer { broker.stop() }

        func record(_ id: String, _ body: () async throws -> ScenarioResult) async {
            guard selected.contains(id) else { return }
            let start = MonotonicClock.nanoseconds()
            var result: ScenarioResult
            do {
                result = try await body()
            } catch {
                result = ScenarioResult(id: id, title: id)
                result.error = "\(error)"
            }
            result.notes.append("scenario took \(Metric.fixed(MonotonicClock.seconds(since: start), 1)) s")
            Self.log(
                "\(id): done in \(Metric.fixed(MonotonicClock.seconds(since: start), 1)) s\(result.error.map { " - ERROR \($0)" } ?? "")"
            )
            report.scenarios.append(result)
        }

        await record("throughput") { try await ThroughputScenario(sizes: sizes, broker: broker).run() }
        await record("latency") { try await LatencyScenario(sizes: sizes, broker: broker).run() }
        await record("capacity") { try await CapacityScenario(sizes: sizes, broker: broker).run() }
        await record("sync") { try await SyncScenario(sizes: sizes, broker: broker).run() }
        await record("flood") { try await StateFloodScenario(sizes: sizes, broker: broker).run() }
        await record("restart") { try await RestartScenario(sizes: sizes).run() }
        let binary = self.bridgeBinary ?? MemoryScenario.defaultBinary()
        await record("memory") { try await MemoryScenario(sizes: sizes, broker: broker, binary: binary).run() }
        var traffic: RecordedTraffic?
        await record("ami-traffic") {
            let (result, recorded) = try await TrafficScenario(sizes: sizes).run()
            traffic = recorded
            return result
        }
        await record("command") { try await CommandScenario(sizes: sizes, broker: broker).run() }
        /// The ami-traffic scenario's recording, or a fresh one when that scenario was not run.
        func recordedTraffic() async throws -> RecordedTraffic {
            if let traffic { return traffic }
            let recorded = try await TrafficScenario(sizes: sizes).run().1
            traffic = recorded
            return recorded
        }
        await record("reducer") { ReducerScenario(sizes: sizes, traffic: try await recordedTraffic()).run() }
        await record("parser") { try ParserScenario(sizes: sizes, traffic: try await recordedTraffic()).run() }

        report.durationSeconds = MonotonicClock.seconds(since: started)
        print(report.table())
        print("\(report.mode) run on \(report.machine) in \(Metric.fixed(report.durationSeconds, 1)) s")
        // Smoke figures mean nothing: never let CI overwrite the committed results.
        let jsonPath =
            self.json
            ?? (self.smoke
                ? FileManager.default.temporaryDirectory.appendingPathComponent("pbx2mqtt-bench-smoke.json").path
                : "Benchmarks/results.json")
        try report.json().write(to: URL(fileURLWithPath: jsonPath))
        Self.log("results written to \(jsonPath)")
        if let markdown = self.markdown {
            try (report.markdown() + "\n").write(toFile: markdown, atomically: true, encoding: .utf8)
        }
        if report.scenarios.contains(where: { $0.error != nil }) {
            throw ExitCode(1)
        }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data(("pbx2mqtt-bench: " + line + "\n").utf8))
    }

    /// CPU model and count, so a results file says where it was measured.
    static func machine() -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map {
                $0.split(separator: ":", maxSplits: 1).last.map { String($0).trimmingCharacters(in: .whitespaces) }
                    ?? ""
            }
            ?? "unknown CPU"
        #if arch(x86_64)
            let arch = "x86_64"
        #elseif arch(arm64)
            let arch = "arm64"
        #else
            let arch = "other"
        #endif
        return "\(ProcessInfo.processInfo.activeProcessorCount)-core \(arch), \(model)"
    }
}
