import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private RabbitMQ node with its MQTT plugin on free 127.0.0.1 ports, owned by one test: the
/// other broker the bridge is tested against (MQTT 3.1.1 only; retained messages reach exact
/// subscriptions, never wildcard ones).
///
/// Debian's `rabbitmq-server` 3.10.8. The `/usr/sbin` wrappers switch to the `rabbitmq` user
/// and its Erlang cookie, so the node is started with the scripts under ``sbin`` directly, as
/// root, with every path (`HOME` for the cookie, Mnesia, logs, plugins, config) in a temporary
/// folder and a node name of its own. A node takes 10–20 s to be ready; `rabbitmqctl
/// await_startup` fails until the node is up, so it is retried. `stop()` (also `deinit`) kills
/// the node and removes the folder. ``RabbitMQCluster`` joins two of them.
public final class RabbitMQBroker: Sendable {
    /// Where Debian's package keeps the scripts that start a node without switching users.
    public static let sbin = "/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/sbin"

    public let host = "127.0.0.1"
    /// The MQTT listener.
    public let port: Int
    public let nodeName: String
    public let directory: URL
    private let environment: [String: String]
    private let process: Mutex<Process?>

    private init(port: Int, nodeName: String, directory: URL, environment: [String: String], process: Process) {
        self.port = port
        self.nodeName = nodeName
        self.directory = directory
        self.environment = environment
        self.process = Mutex(process)
    }

    deinit {
        self.stop()
    }

    /// Starts a node and returns once `rabbitmqctl await_startup` succeeds and the MQTT port
    /// accepts connections.
    /// - Parameter cookie: the Erlang cookie, written to the node's `HOME` before it starts;
    ///   nodes of one cluster need the same one (without it, the node makes up its own).
    public static func start(timeout: Double = 90, cookie: String? = nil) async throws -> RabbitMQBroker {
        guard FileManager.default.isExecutableFile(atPath: self.sbin + "/rabbitmq-server") else {
            throw RabbitMQBrokerError.notInstalled(self.sbin)
        }
        // A node that ends before it is ready most likely lost one of its free ports to another
        // process between the probe and its own bind (tests start brokers in parallel): it is
        // started again on fresh ports. One that is still starting at the deadline is not.
        let deadline = Date().addingTimeInterval(timeout)
        var attempt = 1
        while true {
            do {
                return try await Self.startOnce(until: deadline, cookie: cookie)
            } catch RabbitMQBrokerError.notReady where attempt < 3 && Date() < deadline {
                attempt += 1
            }
        }
    }

    private static func startOnce(until deadline: Date, cookie: String?) async throws -> RabbitMQBroker {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pbx2mqtt-rabbitmq-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let mqttPort = try MosquittoBroker.freePort()
        let amqpPort = try MosquittoBroker.freePort()
        let distPort = try MosquittoBroker.freePort()
        let nodeName = "pbx2mqtt-\(UUID().uuidString.prefix(8).lowercased())@localhost"
        let config = [
            "listeners.tcp.default = 127.0.0.1:\(amqpPort)",
            "mqtt.listeners.tcp.default = 127.0.0.1:\(mqttPort)",
            "mqtt.allow_anonymous = true",
            "loopback_users = none",
        ]
        try (config.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("rabbitmq.conf"), atomically: true, encoding: .utf8)
        try "[rabbitmq_mqtt].\n".write(
            to: directory.appendingPathComponent("enabled_plugins"), atomically: true, encoding: .utf8)
        if let cookie {
            // Erlang refuses a cookie file that others can read.
            let cookieFile = directory.appendingPathComponent(".erlang.cookie")
            try cookie.write(to: cookieFile, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: cookieFile.path)
        }
        let environment = [
            "HOME": directory.path,
            "RABBITMQ_NODENAME": nodeName,
            "RABBITMQ_NODE_PORT": "\(amqpPort)",
            "RABBITMQ_DIST_PORT": "\(distPort)",
            "RABBITMQ_MNESIA_BASE": directory.appendingPathComponent("mnesia").path,
            "RABBITMQ_LOG_BASE": directory.appendingPathComponent("log").path,
            "RABBITMQ_ENABLED_PLUGINS_FILE": directory.appendingPathComponent("enabled_plugins").path,
            "RABBITMQ_CONFIG_FILE": directory.appendingPathComponent("rabbitmq.conf").path,
            // The script then execs the Erlang VM instead of running it in the background and
            // waiting: the node is this process itself, so `stop()` can kill it. (A test's
            // children inherit blocked signals; the script's `wait` did not survive that.)
            "RUNNING_UNDER_SYSTEMD": "true",
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: self.sbin + "/rabbitmq-server")
        var processEnvironment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        // Under "systemd" the node would notify a socket named there.
        processEnvironment["NOTIFY_SOCKET"] = nil
        process.environment = processEnvironment
        process.standardInput = FileHandle.nullDevice
        let output = directory.appendingPathComponent("server.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        BrokerReaper.track(process.processIdentifier)
        let broker = RabbitMQBroker(
            port: mqttPort, nodeName: nodeName, directory: directory, environment: environment, process: process)
        while Date() < deadline, process.isRunning {
            if try await broker.ctl(["await_startup"]) == 0, MosquittoBroker.accepts(port: mqttPort) {
                return broker
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        broker.stop()
        throw RabbitMQBrokerError.notReady(node: nodeName, output: String(log.suffix(2_000)))
    }

    /// Runs `rabbitmqctl` against this node; its exit status.
    public func ctl(_ arguments: [String]) async throws -> Int32 {
        try await self.ctlOutput(arguments).status
    }

    /// Runs `rabbitmqctl` against this node; its exit status and what it wrote (standard output
    /// and error together), for errors that say why and for commands whose answer is read.
    public func ctlOutput(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        // A file, not a pipe: a pipe nobody reads while the command runs could fill and block it.
        let outputFile = self.directory.appendingPathComponent("ctl-\(UUID().uuidString.prefix(8)).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let handle = try FileHandle(forWritingTo: outputFile)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.sbin + "/rabbitmqctl")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(self.environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        while process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
        }
        let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output)
    }

    public var isRunning: Bool {
        self.process.withLock { $0?.isRunning ?? false }
    }

    /// Kills the node (nothing of it needs to survive) and removes its folder.
    public func stop() {
        let process = self.process.withLock { process -> Process? in
            defer { process = nil }
            return process
        }
        if let process {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            BrokerReaper.forget(process.processIdentifier)
            try? FileManager.default.removeItem(at: self.directory)
        }
    }
}

/// Why a RabbitMQ test node could not be started.
public enum RabbitMQBrokerError: Error, CustomStringConvertible {
    case notInstalled(String)
    case notReady(node: String, output: String)
    /// A `rabbitmqctl` step of joining `node` to the cluster failed.
    case joinFailed(node: String, step: String, output: String)
    /// The join went through but `cluster_status` does not show both nodes running.
    case notClustered(nodes: [String], status: String)

    public var description: String {
        switch self {
        case .notInstalled(let path):
            "RabbitMQ 3.10.8 is not installed (\(path) is missing): run scripts/install-deps (Debian's rabbitmq-server)"
        case .notReady(let node, let output):
            "the RabbitMQ node \(node) did not become ready; its output:\n\(output)"
        case .joinFailed(let node, let step, let output):
            "rabbitmqctl \(step) failed on the RabbitMQ node \(node) while joining it to the cluster "
                + "(check that both nodes have the same Erlang cookie); its output:\n\(output)"
        case .notClustered(let nodes, let status):
            "the RabbitMQ nodes \(nodes.joined(separator: ", ")) did not all show up as running in "
                + "cluster_status; it said:\n\(status)"
        }
    }
}
