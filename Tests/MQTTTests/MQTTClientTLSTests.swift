import Foundation
import MQTT
import PBXTestSupport
import Testing

/// The client against a real mosquitto TLS listener, with a CA and certificates the test makes
/// with openssl (`mosquitto_tls_set`: CA, optional client certificate and key).
@Suite struct MQTTClientTLSTests {
    static func configuration(
        _ broker: MosquittoTLSBroker, host: String = "localhost", tls: MQTTTLSConfiguration
    ) -> MQTTConfiguration {
        MQTTConfiguration(
            host: host, port: broker.tlsPort, clientID: uniqueName("tls"),
            username: broker.broker.username, password: broker.broker.password, tls: tls,
            keepAliveSeconds: 10, reconnectDelayMinSeconds: 1, reconnectDelayMaxSeconds: 2)
    }

    /// The TLS failures reported, with their arrival time.
    static func tlsFailures(_ recorder: EventRecorder) -> [(time: Date, reason: String)] {
        recorder.timedEvents.compactMap { entry in
            if case .tlsFailed(let reason) = entry.event { return (entry.time, reason) }
            return nil
        }
    }

    /// Should publish and receive over TLS when the broker's certificate chains to the CA file
    /// and names the host, with a password too.
    @Test func publishesAndSubscribesOverTLS() async throws {
        let pki = try await TestCertificates.shared()
        let broker = try await MosquittoBroker.start(
            username: "bridge", password: "tls-pw",
            tls: MosquittoTLSListener(caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile))
        defer { broker.stop() }
        let recorder = EventRecorder()
        let client = try MQTTClient(
            configuration: Self.configuration(broker, tls: MQTTTLSConfiguration(caFile: pki.caFile)),
            logger: quietLogger)
        defer { client.stop() }
        let topic = uniqueName("tls/echo")
        try client.subscribe(topic, qos: .atLeastOnce)
        try client.start(onEvent: recorder.handler)
        #expect(await recorder.wait { $0.connectedCount == 1 }, "events: \(recorder.events)")
        try client.publish(MQTTMessage(topic: topic, payload: Array("over tls".utf8), qos: .atLeastOnce))
        #expect(await recorder.wait { $0.messages(on: topic).map(\.text) == ["over tls"] })
        #expect(broker.broker.logText.contains("New client connected"))
    }

    /// Should connect to a broker with require_certificate when given a client certificate
    /// the broker's CA signed.
    @Test func clientCertificateIsAccepted() async throws {
        let pki = try await TestCertificates.shared()
        let broker = try await MosquittoBroker.start(
            tls: MosquittoTLSListener(
                caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile,
                requireCertificate: true))
        defer { broker.stop() }
        let recorder = EventRecorder()
        let tls = MQTTTLSConfiguration(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile)
        let client = try MQTTClient(configuration: Self.configuration(broker, tls: tls), logger: quietLogger)
        defer { client.stop() }
        let topic = uniqueName("tls/cert")
        try client.subscribe(topic, qos: .atLeastOnce)
        try client.start(onEvent: recorder.handler)
        #expect(await recorder.wait { $0.connectedCount == 1 }, "events: \(recorder.events)")
        try client.publish(MQTTMessage(topic: topic, payload: Array("with cert".utf8), qos: .atLeastOnce))
        #expect(await recorder.wait { $0.messages(on: topic).map(\.text) == ["with cert"] })
    }

    /// Should report a broker certificate from another CA as `.tlsFailed` (not a refusal),
    /// in OpenSSL's words, and keep retrying with backoff instead of going quiet.
    @Test func wrongCAIsReportedAndRetried() async throws {
        let pki = try await TestCertificates.shared()
        let broker = try await MosquittoBroker.start(
            username: "bridge", password: "tls-pw",
            tls: MosquittoTLSListener(caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile))
        defer { broker.stop() }
        let recorder = EventRecorder()
        let client = try MQTTClient(
            configuration: Self.configuration(broker, tls: MQTTTLSConfiguration(caFile: pki.otherCAFile)),
            logger: quietLogger)
        defer { client.stop() }
        try client.start(onEvent: recorder.handler)
        #expect(await recorder.wait(timeout: 12) { Self.tlsFailures($0).count >= 3 }, "events: \(recorder.events)")
        let failures = Self.tlsFailures(recorder)
        for failure in failures {
            #expect(failure.reason.contains("TLS handshake with localhost:\(broker.tlsPort) failed"), "\(failure)")
            #expect(failure.reason.contains("certificate verify failed"), "\(failure)")
        }
        for (earlier, later) in zip(failures, failures.dropFirst()) {
            #expect(later.time.timeIntervalSince(earlier.time) >= 0.8, "retried without backoff")
        }
        #expect(recorder.refusals.isEmpty)
        #expect(recorder.connectedCount == 0)
    }

    /// Should report a trusted certificate that does not name the host as a host name failure.
    @Test func hostnameMismatchIsReported() async throws {
        let pki = try await TestCertificates.shared()
        let broker = try await MosquittoBroker.start(
            tls: MosquittoTLSListener(
                caFile: pki.caFile, certFile: pki.otherNameCertFile, keyFile: pki.otherNameKeyFile))
        defer { broker.stop() }
        let recorder = EventRecorder()
        let client = try MQTTClient(
            configuration: Self.configuration(broker, tls: MQTTTLSConfiguration(caFile: pki.caFile)),
            logger: quietLogger)
        defer { client.stop() }
        try client.start(onEvent: recorder.handler)
        #expect(await recorder.wait(timeout: 8) { Self.tlsFailures($0).count >= 1 }, "events: \(recorder.events)")
        #expect(Self.tlsFailures(recorder).first?.reason.contains("host name verification failed") == true)
        #expect(recorder.connectedCount == 0)
    }
}
