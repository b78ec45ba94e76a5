import AMISimulator
import Logging
import NIOCore
import NIOPosix
import PBXTestSupport
import Testing

@testable import AMI

/// The client against the simulator's TLS listener (Asterisk's `tlsbindport`), with a CA and
/// certificates the test makes with openssl.
@Suite struct AMIClientTLSTests {
    /// Runs `body` against a TLS simulator (`serverCert`/`serverKey`, optionally requiring a
    /// client certificate) and a client with `tls` connecting to `host`.
    static func withTLS(
        serverCert: String, serverKey: String, clientCA: String? = nil,
        host: String = "127.0.0.1", tls: AMITLSConfiguration,
        _ body: (AMIClientSimulatorTests.Context) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(
                tls: SimulatorTLSConfiguration(certFile: serverCert, keyFile: serverKey, clientCAFile: clientCA)),
            eventLoop: group.next(),
            logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() }
        )
        var configuration = AMIClientSimulatorTests.configuration(port: simulator.port)
        configuration.host = host
        configuration.tls = tls
        let (logger, logs) = CapturingLogHandler.logger()
        let delegate = RecordingDelegate()
        let client = AMIClient(configuration: configuration, eventLoopGroup: group, logger: logger)
        client.start(delegate: delegate)
        let context = AMIClientSimulatorTests.Context(
            client: client, simulator: simulator, delegate: delegate, logs: logs)
        var failure: (any Error)?
        do {
            try await body(context)
        } catch {
            failure = error
        }
        await client.shutdown()
        try await simulator.shutdown()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    /// The TLS failures the client reported, in order, with the delay before each retry.
    static func tlsFailures(_ context: AMIClientSimulatorTests.Context) -> [(AMITLSFailure, TimeAmount)] {
        context.delegate.states.compactMap { state in
            guard case .disconnected(.tlsHandshakeFailed(_, let failure), let retryIn) = state else { return nil }
            return (failure, retryIn)
        }
    }

    /// Should log in over TLS (CA file, SNI by name), receive events and answer an action.
    @Test(arguments: ["127.0.0.1", "localhost"])
    func logsInOverTLS(host: String) async throws {
        let pki = try await TestCertificates.shared()
        try await Self.withTLS(
            serverCert: pki.serverCertFile, serverKey: pki.serverKeyFile, host: host,
            tls: AMITLSConfiguration(caFile: pki.caFile)
        ) { context in
            #expect(await eventually { context.isConnected })
            await context.simulator.setDeviceState("Custom:149", .inUse)
            #expect(await eventually { context.delegate.eventNames.contains("DeviceStateChange") })
            let answer: AMIResponse = try await context.client.send(AMIAction("QueueStatus"))
            let status = try answer.checked()
            #expect(status.events.filter { $0.eventName == "QueueMember" }.count == 2)
            let pong: AMIResponse = try await context.client.send(AMIAction("Ping"))
            #expect(pong["Ping"] == "Pong")
        }
    }

    /// Should refuse a server certificate from another CA with an error naming ami.tlsCaFile,
    /// and retry with the growing backoff, never logging in.
    @Test func wrongCAIsRefusedAndBacksOff() async throws {
        let pki = try await TestCertificates.shared()
        try await Self.withTLS(
            serverCert: pki.serverCertFile, serverKey: pki.serverKeyFile,
            tls: AMITLSConfiguration(caFile: pki.otherCAFile)
        ) { context in
            #expect(await eventually { Self.tlsFailures(context).count >= 3 })
            let failures = Self.tlsFailures(context)
            for (failure, _) in failures {
                guard case .untrustedCertificate = failure else {
                    Issue.record("expected an untrusted certificate, got \(failure)")
                    continue
                }
            }
            #expect(failures.prefix(3).map(\.1) == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
            #expect(!context.isConnected)
            #expect(await context.simulator.receivedActions().isEmpty)
            let error = try #require(
                context.delegate.states.compactMap { state -> AMIClientError? in
                    if case .disconnected(let reason, _) = state { return reason }
                    return nil
                }.first)
            let text = "\(error)"
            #expect(text.hasPrefix("TLS handshake with 127.0.0.1:"), "\(text)")
            #expect(text.contains("certificate verify failed"), "\(text)")
            #expect(text.contains("set ami.tlsCaFile"), "\(text)")
            #expect(context.logs.all.contains { $0.fullText.contains("set ami.tlsCaFile") })
        }
    }

    /// Should refuse a trusted certificate that does not name the host, unless hostname
    /// verification is explicitly off.
    @Test func hostnameMismatchIsRefused() async throws {
        let pki = try await TestCertificates.shared()
        try await Self.withTLS(
            serverCert: pki.otherNameCertFile, serverKey: pki.otherNameKeyFile,
            tls: AMITLSConfiguration(caFile: pki.caFile)
        ) { context in
            #expect(await eventually { Self.tlsFailures(context).count >= 2 })
            for (failure, _) in Self.tlsFailures(context) {
                #expect(failure == .hostnameMismatch(host: "127.0.0.1"))
            }
            #expect(!context.isConnected)
        }
        try await Self.withTLS(
            serverCert: pki.otherNameCertFile, serverKey: pki.otherNameKeyFile,
            tls: AMITLSConfiguration(caFile: pki.caFile, verifyHostname: false)
        ) { context in
            #expect(await eventually { context.isConnected })
        }
    }

    /// Should be refused without a client certificate where one is required, and log in
    /// with one signed by the CA Asterisk trusts.
    @Test func clientCertificateRequired() async throws {
        let pki = try await TestCertificates.shared()
        try await Self.withTLS(
            serverCert: pki.serverCertFile, serverKey: pki.serverKeyFile, clientCA: pki.caFile,
            tls: AMITLSConfiguration(caFile: pki.caFile)
        ) { context in
            #expect(await eventually { Self.tlsFailures(context).count >= 2 })
            for (failure, _) in Self.tlsFailures(context) {
                guard case .clientCertificateRejected = failure else {
                    Issue.record("expected a rejected client certificate, got \(failure)")
                    continue
                }
            }
            #expect(!context.isConnected)
        }
        try await Self.withTLS(
            serverCert: pki.serverCertFile, serverKey: pki.serverKeyFile, clientCA: pki.caFile,
            tls: AMITLSConfiguration(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile)
        ) { context in
            #expect(await eventually { context.isConnected })
            let pong: AMIResponse = try await context.client.send(AMIAction("Ping"))
            #expect(pong["Ping"] == "Pong")
        }
    }

    /// Should name the port problem when TLS is spoken to a clear-text manager port.
    @Test func clearTextPortIsNamed() async throws {
        let pki = try await TestCertificates.shared()
        try await AMIClientSimulatorTests.withSimulator(
            configure: { port in
                var configuration = AMIClientSimulatorTests.configuration(port: port)
                configuration.tls = AMITLSConfiguration(caFile: pki.caFile)
                return configuration
            }
        ) { context in
            #expect(await eventually { Self.tlsFailures(context).count >= 1 })
            guard case .notTLS = Self.tlsFailures(context).first?.0 else {
                Issue.record("expected notTLS, got \(Self.tlsFailures(context))")
                return
            }
        }
    }

    /// Should report an unreadable CA file as a setup error naming the key, before connecting.
    @Test func brokenFilesAreReportedByValidate() async throws {
        let pki = try await TestCertificates.shared()
        #expect(throws: AMIClientError.self) {
            try AMITLSConfiguration(caFile: "/nonexistent/ca.pem").validate()
        }
        do {
            try AMITLSConfiguration(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.serverCertFile)
                .validate()
            Issue.record("a certificate given as the key should be refused")
        } catch {
            #expect("\(error)".contains("ami.tlsKeyFile"), "\(error)")
        }
        try AMITLSConfiguration(caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile)
            .validate()
    }
}
