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
///
/// Faults can be triggered while it runs by typing commands on stdin (see `--help`).
@main
struct AMISimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ami-sim",
        abstract: "A fake Asterisk 22 AMI server with a simulated call center and random calls.",
        discussion: """
            Commands read from stdin, one per line, script faults while it runs:
              drop                      close every manager connection
              restart [hard] [SECONDS]  Asterisk restart (Event: Shutdown unless hard), down for SECONDS (default 1)
              stall SECONDS             answer nothing for SECONDS, sockets stay open
              garbage                   send bytes that are not AMI to every connection
              refuse SECONDS            refuse new connections for SECONDS
              traffic CPS | stop        change or stop the call generator
              status                    log connections and calls in progress
            """
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

    @Option(
        name: .customLong("tls-cert"),
        help: "PEM certificate: listen with TLS as Asterisk's tlsbindport does (with --tls-key; use --port 5039).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(
        name: .customLong("tls-client-ca"),
        help: "PEM CA file: require a client certificate signed by it (manager.conf tlscafile + tlsverifyclient).")
    var tlsClientCA: String?

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard self.agents >= 0, self.queues >= 1 else {
            throw ValidationError("--agents must be >= 0 and --queues >= 1")
        }
        guard self.cps >= 0 else { throw ValidationError("--cps must be >= 0") }
        guard (0...1).contains(self.abandonRate) else {
            throw ValidationError("--abandon-rate must be between 0 and 1")
        }
        guard self.timeScale > 0 else { throw ValidationError("--time-scale must be > 0") }
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("unknown --log-level \(self.logLevel)")
        }
        guard (self.tlsCert == nil) == (self.tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard self.tlsClientCA == nil || self.tlsCert != nil else {
            throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key")
        }
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
            clock: .realTime(scale: self.timeScale),
            tls: self.tls
        )
        let simulator = try await AMISimulator.start(
            configuration: configuration, host: self.host, port: self.port, logger: logger)
        if self.cps > 0 {
            await simulator.startTraffic(self.traffic(cps: self.cps))
            logger.info(
                "call generator started",
                metadata: [AMISimLogKey.callsPerSecond: "\(self.cps)", AMISimLogKey.seed: "\(self.seed)"])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await Self.waitForInterrupt() }
            group.addTask {
                for await line in Self.standardInputLines() {
                    await self.control(line, simulator: simulator, logger: logger)
                }
                // stdin closed (e.g. run in the background): keep serving until a signal.
                try? await Task.sleep(for: .seconds(365 * 24 * 3600))
            }
            await group.next()
            group.cancelAll()
        }
        logger.info("stopping")
        try await simulator.shutdown()
    }

    /// The listener's TLS settings, when --tls-cert and --tls-key are given.
    private var tls: SimulatorTLSConfiguration? {
        guard let certFile = self.tlsCert, let keyFile = self.tlsKey else { return nil }
        return SimulatorTLSConfiguration(certFile: certFile, keyFile: keyFile, clientCAFile: self.tlsClientCA)
    }

    private func traffic(cps: Double) -> TrafficConfiguration {
        TrafficConfiguration(callsPerSecond: cps, seed: self.seed, abandonRate: self.abandonRate)
    }

    /// Runs one stdin command.
    private func control(_ line: String, simulator: AMISimulator, logger: Logger) async {
        let words = line.split(separator: " ").map(String.init)
        guard let command = words.first?.lowercased() else { return }
        let seconds = { (index: Int, fallback: Double) -> Duration in
            let value = words.count > index ? Double(words[index]) ?? fallback : fallback
            return .milliseconds(Int64(max(0, value) * 1000))
        }
        do {
            switch command {
            case "drop":
                await simulator.dropAllConnections()
            case "restart":
                let hard = words.dropFirst().contains("hard")
                let number = words.dropFirst().first { Double($0) != nil }
                let downtime: Duration = .milliseconds(Int64((number.flatMap(Double.init) ?? 1) * 1000))
                try await simulator.restart(graceful: !hard, downtime: downtime)
            case "stall":
                await simulator.setStalled(true)
                try await Task.sleep(for: seconds(1, 5))
                await simulator.setStalled(false)
            case "garbage":
                await simulator.sendGarbage(Array("\u{1}\u{2}garbage without a colon\r\n\r\n".utf8))
            case "refuse":
                try await simulator.refuseConnections(for: seconds(1, 5))
            case "traffic":
                if words.count > 1, let cps = Double(words[1]), cps > 0 {
                    await simulator.startTraffic(self.traffic(cps: cps))
                } else {
                    await simulator.stopTraffic()
                }
            case "status":
                let connections = await simulator.connectionCount()
                let calls = await simulator.activeCallCount()
                logger.info(
                    "status", metadata: [AMISimLogKey.connections: "\(connections)", AMISimLogKey.calls: "\(calls)"])
                return
            default:
                logger.warning("unknown command", metadata: [AMISimLogKey.command: "\(command)"])
                return
            }
            logger.info("fault done", metadata: [AMISimLogKey.command: "\(line)"])
        } catch {
            logger.error("fault failed", metadata: [AMISimLogKey.command: "\(line)", AMISimLogKey.error: "\(error)"])
        }
    }

    /// Lines typed on stdin, read on a background queue.
    static func standardInputLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            DispatchQueue.global().async {
                while let line = readLine() {
                    continuation.yield(line)
                }
                continuation.finish()
            }
        }
    }

    /// Returns on SIGINT or SIGTERM.
    static func waitForInterrupt() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "ami-sim.signals")
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in signals { break }
        for source in sources { source.cancel() }
    }
}
