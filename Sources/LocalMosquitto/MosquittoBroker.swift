import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real `mosquitto` broker on a free 127.0.0.1 port, owned by one test or by the demo.
///
/// Persistence is off unless asked for, and only loopback listeners are opened: MQTT, and with
/// `websockets` also MQTT over WebSockets on ``websocketsPort`` (for browser pages and MQTT.js). With
/// `username`/`password` the broker requires them (anonymous refused); without, anyone may
/// connect. The broker log (`log_type all`) goes to `logFile`; `logText` reads it for a failing
/// test's diagnostics. `kill9()` simulates a crash, `restart()` brings it back on the same port,
/// and `stop()` (also run by `deinit`) ends it and removes its temporary folder.
///
/// ```swift
/// let broker = try await MosquittoBroker.start()
/// defer { broker.stop() }
/// // connect to broker.host:broker.port
/// ```
public final class MosquittoBroker: Sendable {
    /// Where Debian installs the broker.
    public static let executable = "/usr/sbin/mosquitto"

    public let host = "127.0.0.1"
    public let port: Int
    /// The MQTT-over-WebSockets listener's port, when started with `websockets: true`.
    public let websocketsPort: Int?
    public let username: String?
    public let password: String?
    /// Temporary folder holding the config, password file and log.
    public let directory: URL
    public var configFile: URL { self.directory.appendingPathComponent("mosquitto.conf") }
    public var logFile: URL { self.directory.appendingPathComponent("mosquitto.log") }
    /// Where a broker started with `persistence: true` saves its retained messages and sessions
    /// (every second while it runs; a graceful stop would too, but a test cannot send one: its
    /// children may inherit a blocked SIGTERM).
    public var persistenceFile: URL { self.directory.appendingPathComponent("mosquitto.db") }

    private let process: Mutex<Process?>

    private init(
        port: Int, websocketsPort: Int?, username: String?, password: String?, directory: URL, process: Process
    ) {
        self.port = port
        self.websocketsPort = websocketsPort
        self.username = username
        self.password = password
        self.directory = directory
        self.process = Mutex(process)
    }

    deinit {
        self.stop()
    }

    /// Starts a broker on a fresh free port, retrying with another port on a clash, and returns
    /// once it accepts TCP connections.
    /// - Parameters:
    ///   - username: with `password`, the only account; anonymous clients are then refused.
    ///   - password: that account's password (hashed into a file by `mosquitto_passwd -b`).
    ///   - port: a fixed port instead of a free one (the demo's `--mqtt-port`, or a killed broker
    ///     replaced by one with other credentials); then no other port is tried.
    ///   - quiet: log errors only, for the benchmarks (`log_type all` writes two log lines per
    ///     message). Every other setting stays mosquitto's stock one (20 QoS 1 messages in
    ///     flight per client, 1000 queued), so figures are what a user with a stock broker gets.
    ///   - tcpNoDelay: `set_tcp_nodelay true` (mosquitto's default is false, which makes Nagle's
    ///     algorithm add ~40 ms to a command's reply); false only to show that cost.
    ///   - unboundedQueues: queue without limit (`max_queued_messages 0`), for tests that publish
    ///     bursts and must see every message (a command flood): the stock 1000-message queue
    ///     drops QoS 1 messages for a subscriber a loaded machine keeps slow.
    ///   - persistence: keep retained messages in `persistenceFile` across restarts, as a
    ///     production broker does (saved every second, so a `kill9()` loses at most the last
    ///     second); the fault tests delete that file to give a restarted broker amnesia.
    ///   - websockets: also listen for MQTT over WebSockets on a free port (``websocketsPort``).
    ///   - extraConfig: lines appended to the generated config, e.g. a `connection` bridge to
    ///     another broker (deploy/bridged/site-bridge.conf).
    public static func start(
        username: String? = nil, password: String? = nil, port fixedPort: Int? = nil, quiet: Bool = false,
        tcpNoDelay: Bool = true, unboundedQueues: Bool = false, persistence: Bool = false, websockets: Bool = false,
        extraConfig: [String] = []
    ) async throws -> MosquittoBroker {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pbx2mqtt-mosquitto-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lastError: (any Error)?
        for _ in 0..<(fixedPort == nil ? 5 : 20) {
            let port = try fixedPort ?? Self.freePort()
            let websocketsPort = websockets ? try Self.freePort() : nil
            do {
                try Self.writeConfig(
                    directory: directory, port: port, websocketsPort: websocketsPort, username: username,
                    password: password, quiet: quiet, tcpNoDelay: tcpNoDelay, unboundedQueues: unboundedQueues,
                    persistence: persistence, extraConfig: extraConfig)
                let process = try await Self.launch(
                    directory: directory, ports: [port] + (websocketsPort.map { [$0] } ?? []))
                return MosquittoBroker(
                    port: port, websocketsPort: websocketsPort, username: username, password: password,
                    directory: directory, process: process)
            } catch {
                lastError = error
                if fixedPort != nil { try await Task.sleep(for: .milliseconds(100)) }
            }
        }
        try? FileManager.default.removeItem(at: directory)
        throw lastError ?? MosquittoBrokerError.notReady(port: 0, log: "")
    }

    /// Kills the broker with SIGKILL, as a crash would: no DISCONNECT, wills fire on clients'
    /// side only when they notice. Returns once the process is gone.
    public func kill9() {
        self.process.withLock { process in
            guard let running = process else { return }
            if running.isRunning {
                kill(running.processIdentifier, SIGKILL)
            }
            running.waitUntilExit()
            BrokerReaper.forget(running.processIdentifier)
            process = nil
        }
    }

    /// Freezes the broker (SIGSTOP): connections stay open but nothing is read or acknowledged,
    /// so a publisher's queue fills as behind an overloaded broker. `resume()` thaws it.
    public func pause() {
        self.signal(SIGSTOP)
    }

    /// Thaws a broker frozen by `pause()` (SIGCONT).
    public func resume() {
        self.signal(SIGCONT)
    }

    private func signal(_ number: Int32) {
        self.process.withLock { process in
            guard let running = process, running.isRunning else { return }
            kill(running.processIdentifier, number)
        }
    }

    /// Starts the broker again on the same port (after `kill9()` or `stop()`), returning once it
    /// accepts connections.
    public func restart() async throws {
        self.kill9()
        var lastError: (any Error)?
        for _ in 0..<20 {
            do {
                let process = try await Self.launch(
                    directory: self.directory, ports: [self.port] + (self.websocketsPort.map { [$0] } ?? []))
                self.process.withLock { $0 = process }
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw lastError ?? MosquittoBrokerError.notReady(port: self.port, log: self.logText)
    }

    /// Ends the broker and deletes its folder. Idempotent. SIGKILL straight away: persistence is
    /// off so nothing is lost, and a child of the test process may inherit a blocked SIGTERM.
    public func stop() {
        self.kill9()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// True while the broker process runs.
    public var isRunning: Bool {
        self.process.withLock { $0?.isRunning ?? false }
    }

    /// The broker's log so far (empty once `stop()` removed it).
    public var logText: String {
        (try? String(contentsOf: self.logFile, encoding: .utf8)) ?? ""
    }

    /// `-h 127.0.0.1 -p <port>` plus credentials, for `mosquitto_sub`/`mosquitto_pub`.
    public var clientArguments: [String] {
        var arguments = ["-h", self.host, "-p", "\(self.port)"]
        if let username = self.username { arguments += ["-u", username] }
        if let password = self.password { arguments += ["-P", password] }
        return arguments
    }

    // MARK: Internals

    /// A port the kernel just handed out for 127.0.0.1 (bound to port 0, then closed).
    public static func freePort() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw MosquittoBrokerError.noFreePort(errno: errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw MosquittoBrokerError.noFreePort(errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        guard named == 0 else { throw MosquittoBrokerError.noFreePort(errno: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    private static func writeConfig(
        directory: URL, port: Int, websocketsPort: Int?, username: String?, password: String?, quiet: Bool,
        tcpNoDelay: Bool, unboundedQueues: Bool, persistence: Bool, extraConfig: [String] = []
    ) throws {
        let store =
            persistence
            ? [
                "persistence true", "persistence_location \(directory.path)/", "persistence_file mosquitto.db",
                "autosave_interval 1",
            ] : ["persistence false"]
        var lines =
            [
                "listener \(port) 127.0.0.1"
            ] + store + [
                "log_dest file \(directory.appendingPathComponent("mosquitto.log").path)",
                quiet ? "log_type error" : "log_type all",
                "connection_messages true",
                // Without it Nagle's algorithm adds ~40 ms per hop: a command round trip took
                // ~90 ms instead of ~2 ms (deploy/mosquitto.conf sets it too).
                "set_tcp_nodelay \(tcpNoDelay)",
                // Running as root, mosquitto would otherwise switch to the `mosquitto` user, which
                // cannot read this folder. Ignored when not started as root.
                "user root",
            ]
        if unboundedQueues {
            lines += ["max_queued_messages 0", "max_queued_bytes 0"]
        }
        if let websocketsPort {
            // Settings above are global (per_listener_settings is false), so they apply here too.
            lines += ["listener \(websocketsPort) 127.0.0.1", "protocol websockets"]
        }
        if let username, let password {
            let passwordFile = directory.appendingPathComponent("passwords")
            let result = try Self.runSync(
                "/usr/bin/mosquitto_passwd", ["-c", "-b", passwordFile.path, username, password])
            guard result == 0 else { throw MosquittoBrokerError.passwordFile(status: result) }
            lines += ["allow_anonymous false", "password_file \(passwordFile.path)"]
        } else {
            lines += ["allow_anonymous true"]
        }
        lines += extraConfig
        let text = lines.joined(separator: "\n") + "\n"
        try text.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    private static func runSync(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts mosquitto in the foreground and waits (up to 5 s) until every port accepts.
    private static func launch(directory: URL, ports: [Int]) async throws -> Process {
        let port = ports.first ?? 0
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["-c", directory.appendingPathComponent("mosquitto.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        BrokerReaper.track(process.processIdentifier)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if !process.isRunning { break }
            if ports.allSatisfy(Self.accepts(port:)) { return process }
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        BrokerReaper.forget(process.processIdentifier)
        let log = (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
        throw MosquittoBrokerError.notReady(port: port, log: String(log.suffix(2_000)))
    }
}

/// Why a test broker could not be started.
public enum MosquittoBrokerError: Error, CustomStringConvertible {
    case noFreePort(errno: Int32)
    case passwordFile(status: Int32)
    case notReady(port: Int, log: String)

    public var description: String {
        switch self {
        case .noFreePort(let code):
            return "could not get a free 127.0.0.1 port (errno \(code))"
        case .passwordFile(let status):
            return "mosquitto_passwd failed with status \(status); is mosquitto installed?"
        case .notReady(let port, let log):
            return "mosquitto did not accept connections on 127.0.0.1:\(port) within 5 s; log tail:\n\(log)"
        }
    }
}
