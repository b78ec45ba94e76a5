import AMISimulator
import ArgumentParser
import Dispatch
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ami-sim`: a fake Asterisk 22 manager interface with a simulated call center, for the
/// demo and for trying pbx2mqtt without a PBX.
@main
struct AMISimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ami-sim",
        abstract: "A fake Asterisk 22 AMI server with a simulated call center and random calls."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on (0: any free port).")
    var port = 5038

    @Option(help: "Agents to generate (0: the fixtures' call center: q1, q2 with Bob and Carol, hints 146-150).")
    var agents = 0

    @Option(help: "Queues to generate (with --agents).")
    var queues = 3

    @Option(help: "Mean new calls per second (0: no generated traffic).")
    var cps = 0.0

    @Option(help: "Seed of the call generator: the same seed gives the same calls.")
    var seed: UInt64 = 1

    @Option(name: .customLong("abandon-rate"), help: "Share of callers (0...1) who hang up before an answer.")
    var abandonRate = 0.1

    @Option(name: .customLong("time-scale"), help: "Real seconds per simulated second (0.1 runs ten times faster).")
    var timeScale = 1.0

    @Option(help: "Manager user name.")
    var user = "bridge"

    @Option(help: "Manager secret.")
    var secret = "bridgepw"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard self.agents >= 0, self.queues >= 1 else { throw ValidationError("--agents must be >= 0 and --queues >= 1") }
        guard self.cps >= 0 else { throw ValidationError("--cps must be >= 0") }
        guard (0...1).contains(self.abandonRate) else { throw ValidationError("--abandon-rate must be between 0 and 1") }
        guard self.timeScale > 0 else { throw ValidationError("--time-scale must be > 0") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("unknown --log-level \(self.logLevel)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: self.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ami-sim")
        var users = [SimulatorUser(username: self.user, secret: self.secret)]
        if self.user != SimulatorUser.limited.username {
            users.append(.limited)
        }
        let configuration = SimulatorConfiguration(
            users: users,
            callCenter: self.agents > 0 ? .generated(agents: self.agents, queues: self.queues) : .fixture,
            clock: .realTime(scale: self.timeScale)
        )
        let simulator = try await AMISimulator.start(configuration: configuration, host: self.host, port: self.port, logger: logger)
        if self.cps > 0 {
            await simulator.startTraffic(TrafficConfiguration(callsPerSecond: self.cps, seed: self.seed, abandonRate: self.abandonRate))
            logger.info("call generator started", metadata: ["cps": "\(self.cps)", "seed": "\(self.seed)"])
        }
        await Self.waitForInterrupt()
        logger.info("stopping")
        try await simulator.shutdown()
    }

    /// Returns on SIGINT or SIGTERM.
    static func waitForInterrupt() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "ami-sim.signals")
            let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
            nonisolated(unsafe) var resumed = false
            for source in sources {
                source.setEventHandler {
                    guard !resumed else { return }
                    resumed = true
                    for s in sources { s.cancel() }
                    continuation.resume()
                }
                source.resume()
            }
        }
    }
}
