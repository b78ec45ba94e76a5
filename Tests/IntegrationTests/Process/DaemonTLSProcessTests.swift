import AMISimulator
import Foundation
import Logging
import PBXTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension DaemonProcess {
    /// Starts a TLS simulator, a broker with a TLS listener requiring a client certificate, and
    /// the daemon speaking TLS to both (`amiCAFile`/`mqttCAFile`: the CAs it trusts).
    static func startTLS(pki: TestCertificates, amiCAFile: String, mqttCAFile: String) async throws -> DaemonProcess {
        guard FileManager.default.isExecutableFile(atPath: self.executable) else {
            throw DaemonProcessError.notBuilt(self.executable)
        }
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                users: [SimulatorUser(username: "bridge", secret: self.amiSecret)],
                tls: SimulatorTLSConfiguration(certFile: pki.serverCertFile, keyFile: pki.serverKeyFile)),
            host: "127.0.0.1", port: 0, logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let tlsBroker = try await MosquittoBroker.start(
            username: "bridge", password: self.mqttPassword,
            tls: MosquittoTLSListener(
                caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, requireCertificate: true))
        let httpPort = try MosquittoBroker.freePort()
        let configFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pbx2mqtt-\(UUID().uuidString).yaml")
        let yaml = """
            ami:
              host: localhost
              port: \(simulator.port)
              username: bridge
              secret: \(self.amiSecret)
              reconnectMaxSeconds: 1
              tls: true
              tlsCaFile: \(amiCAFile)
            mqtt:
              host: localhost
              port: \(tlsBroker.tlsPort)
              username: bridge
              password: \(self.mqttPassword)
              clientId: daemon-under-test
              tls:
                caFile: \(mqttCAFile)
                certFile: \(pki.clientCertFile)
                keyFile: \(pki.clientKeyFile)
            http:
              listen: 127.0.0.1:\(httpPort)
            log:
              level: debug
              format: json
            """
        try yaml.write(to: configFile, atomically: true, encoding: .utf8)
        let process = try RunningCommand(self.executable, ["run", "--config", configFile.path])
        return DaemonProcess(
            simulator: simulator, broker: tlsBroker.broker, configFile: configFile, process: process,
            httpPort: httpPort)
    }
}

/// The daemon with TLS on both links, as on an untrusted network.
@Suite(.serialized) struct DaemonTLSProcessTests {
    /// Should bridge over TLS on both sides (AMI with SNI and CA file, the broker with a client
    /// certificate), and never show a secret or a private key in its log, topics or /metrics.
    @Test func bridgesOverTLSWithoutLeakingSecrets() async throws {
        let pki = try await TestCertificates.shared()
        let daemon = try await DaemonProcess.startTLS(pki: pki, amiCAFile: pki.caFile, mqttCAFile: pki.caFile)
        defer { daemon.process.terminate() }
        // The recorder reads the same broker on its plain listener.
        let recorder = try TopicRecorder(
            port: daemon.broker.port, filter: "#", username: "bridge", password: DaemonProcess.mqttPassword)
        defer { recorder.stop() }
        #expect(
            await recorder.wait(timeout: 20) {
                $0["pbx/bridge/state"]?.contains("online") == true && $0["pbx/agent/149/name"] != nil
            }, "log: \(daemon.process.stderr.suffix(3000))")
        await daemon.simulator.setDeviceState("Custom:147", .inUse)
        #expect(await recorder.wait { $0["pbx/agent/147/extensionStatus"]?.contains("\"inuse\"") == true })
        let metrics = try await daemon.http("/metrics")
        #expect(metrics.status == 200)

        daemon.process.send(signal: SIGTERM)
        let result = await daemon.process.waitForExit(timeout: 8)
        #expect(result.exitCode == 0)
        let key = try String(contentsOfFile: pki.clientKeyFile, encoding: .utf8)
        let keyBody = key.split(separator: "\n").dropFirst().first.map(String.init) ?? key
        let topics = recorder.state.map { "\($0.key) \($0.value)" }.joined(separator: "\n")
        for (name, text) in [("log", result.stderr), ("topics", topics), ("metrics", metrics.body)] {
            #expect(!text.contains(DaemonProcess.amiSecret), "\(name)")
            #expect(!text.contains(DaemonProcess.mqttPassword), "\(name)")
            #expect(!text.contains(keyBody), "\(name)")
            #expect(!text.contains("PRIVATE KEY"), "\(name)")
        }
        await daemon.stop()
    }

    /// Should log a wrong CA on each side as a TLS failure naming the key to fix (AMI: an
    /// error with the backoff; MQTT: one error line with a hint), never as a refused password.
    @Test func wrongCAsAreLoggedAsTLSFailures() async throws {
        let pki = try await TestCertificates.shared()
        let daemon = try await DaemonProcess.startTLS(
            pki: pki, amiCAFile: pki.otherCAFile, mqttCAFile: pki.otherCAFile)
        defer { daemon.process.terminate() }
        #expect(
            await daemon.process.waitForStandardError(
                containing: "MQTT TLS handshake with the broker failed; retrying", timeout: 15))
        #expect(await daemon.process.waitForStandardError(containing: "set ami.tlsCaFile", timeout: 15))
        // Retried with the backoff: several AMI attempts, one MQTT line for the episode.
        try await Task.sleep(for: .seconds(3))
        let log = daemon.process.stderr
        let amiFailures = log.split(separator: "\n").filter {
            $0.contains("TLS handshake with localhost:\(daemon.simulator.port) failed: certificate verify failed")
        }
        #expect(amiFailures.count >= 2, "\(log.suffix(3000))")
        let mqttLines = log.split(separator: "\n").filter { $0.contains("MQTT TLS handshake with the broker failed") }
        #expect(mqttLines.count == 1)
        #expect(mqttLines.first?.contains("certificate verify failed") == true)
        #expect(mqttLines.first?.contains("mqtt.tls.caFile") == true)
        #expect(!log.contains("refused the connection"))
        #expect(await daemon.simulator.receivedActions().isEmpty)
        daemon.process.send(signal: SIGTERM)
        _ = await daemon.process.waitForExit(timeout: 8)
        await daemon.stop()
    }
}
