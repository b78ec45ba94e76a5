import AMISimulator
import Foundation
import LocalMosquitto
import Logging
import PBXTestSupport

/// The real `pbx2mqtt` executable run as a child process against an in-process simulator and a
/// private broker: signals, exit codes, logs and the HTTP endpoint are tested as an operator
/// would meet them.
final class DaemonProcess: Sendable {
    let simulator: AMISimulator
    let broker: MosquittoBroker
    let configFile: URL
    let process: RunningCommand
    let httpPort: Int

    static let amiSecret = "ami-Secr3t-value"
    static let mqttPassword = "mqtt-Passw0rd-value"

    /// `.build/debug/pbx2mqtt`, built by `swift build --build-tests` before the tests run.
    static var executable: String {
        Fixtures.repositoryRoot.appendingPathComponent(".build/debug/pbx2mqtt").path
    }

    init(
        simulator: AMISimulator, broker: MosquittoBroker, configFile: URL, process: RunningCommand, httpPort: Int
    ) {
        self.simulator = simulator
        self.broker = broker
        self.configFile = configFile
        self.process = process
        self.httpPort = httpPort
    }

    /// Starts simulator, broker (requiring a password) and the daemon with a YAML file.
    /// - Parameter web: also open the broker's WebSockets listener and serve the repository's
    ///   web/ (`http.web`), pointing the pages at that listener through `/config.json`.
    static func start(
        extraYAML: String = "", environment: [String: String] = [:], callCenter: CallCenterConfiguration = .fixture,
        web: Bool = false
    ) async throws -> DaemonProcess {
        guard FileManager.default.isExecutableFile(atPath: self.executable) else {
            throw DaemonProcessError.notBuilt(self.executable)
        }
        let simulator = try await self.startSimulator(callCenter: callCenter)
        let broker = try await MosquittoBroker.start(
            username: "bridge", password: self.mqttPassword, websockets: web)
        var httpExtra = ""
        if let websocketsPort = broker.websocketsPort {
            httpExtra = """

                  web: true
                  webDirectory: \(Fixtures.repositoryRoot.appendingPathComponent("web").path)
                  webBrokerUrl: ws://127.0.0.1:\(websocketsPort)
                """
        }
        let httpPort = try MosquittoBroker.freePort()
        let configFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pbx2mqtt-\(UUID().uuidString).yaml")
        try self.yaml(
            simulatorPort: simulator.port, brokerPort: broker.port, httpPort: httpPort, httpExtra: httpExtra,
            extra: extraYAML
        )
        .write(to: configFile, atomically: true, encoding: .utf8)
        let process = try self.launch(configFile: configFile, environment: environment)
        return DaemonProcess(
            simulator: simulator, broker: broker, configFile: configFile, process: process, httpPort: httpPort)
    }

    /// A simulator the daemon can log in to (its user and secret), on `port` (0: a free one):
    /// the fault tests start a replacement with other state on the port of the first.
    static func startSimulator(callCenter: CallCenterConfiguration = .fixture, port: Int = 0) async throws
        -> AMISimulator
    {
        try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                users: [SimulatorUser(username: "bridge", secret: self.amiSecret)], callCenter: callCenter),
            host: "127.0.0.1", port: port, logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    /// Runs the executable on `configFile` (`pbx2mqtt run --config …`): the fault tests start a
    /// second daemon on the first one's file after killing it.
    static func launch(configFile: URL, environment: [String: String] = [:]) throws -> RunningCommand {
        try RunningCommand(self.executable, ["run", "--config", configFile.path], environment: environment)
    }

    /// - Parameter brokerLogin: log in as the private mosquitto's user; off for a broker that
    ///   lets anonymous clients in (the RabbitMQ tests' nodes).
    static func yaml(
        simulatorPort: Int, brokerPort: Int, httpPort: Int, prefix: String = "pbx", httpExtra: String = "",
        brokerLogin: Bool = true, extra: String
    ) -> String {
        let login = brokerLogin ? "\n  username: bridge\n  password: \(self.mqttPassword)" : ""
        return """
            ami:
              host: 127.0.0.1
              port: \(simulatorPort)
              username: bridge
              secret: \(self.amiSecret)
              reconnectMaxSeconds: 1
            mqtt:
              host: 127.0.0.1
              port: \(brokerPort)\(login)
              clientId: daemon-under-test
              prefix: \(prefix)
            http:
              listen: 127.0.0.1:\(httpPort)\(httpExtra)
            log:
              level: debug
              format: json
            \(extra)
            """
    }

    /// Rewrites the YAML file (for a SIGHUP reload).
    func rewrite(_ text: String) throws {
        try text.write(to: self.configFile, atomically: true, encoding: .utf8)
    }

    /// A recorder logged in to the password-protected broker.
    func recorder() throws -> TopicRecorder {
        try TopicRecorder(port: self.broker.port, username: "bridge", password: Self.mqttPassword)
    }

    /// `curl` on the daemon's HTTP endpoint: status code and body.
    func http(_ path: String) async throws -> (status: Int, body: String) {
        let result = try await RunningCommand.run(
            "/usr/bin/curl", ["-s", "-m", "3", "-w", "\n%{http_code}", "http://127.0.0.1:\(self.httpPort)\(path)"]
        )
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    func stop() async {
        self.process.terminate()
        try? await self.simulator.shutdown()
        self.broker.stop()
        try? FileManager.default.removeItem(at: self.configFile)
    }
}

enum DaemonProcessError: Error, CustomStringConvertible {
    case notBuilt(String)

    var description: String {
        switch self {
        case .notBuilt(let path):
            "\(path) is missing: run `swift build --build-tests` before `swift test --skip-build` (scripts/test does)"
        }
    }
}
