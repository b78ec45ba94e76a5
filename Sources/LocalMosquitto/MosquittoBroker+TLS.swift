import Foundation

/// A TLS listener for a test broker: the server certificate, the CA its clients' certificates
/// must chain to, and whether a client certificate is required (`require_certificate`).
public struct MosquittoTLSListener: Sendable {
    public var caFile: String
    public var certFile: String
    public var keyFile: String
    public var requireCertificate: Bool

    public init(caFile: String, certFile: String, keyFile: String, requireCertificate: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.requireCertificate = requireCertificate
    }
}

/// A broker with a TLS listener beside its plain one, and the TLS listener's port.
public struct MosquittoTLSBroker: Sendable {
    public let broker: MosquittoBroker
    /// The 127.0.0.1 port of the TLS listener (`broker.port` stays the plain one).
    public let tlsPort: Int

    /// Ends the broker (see `MosquittoBroker.stop()`).
    public func stop() {
        self.broker.stop()
    }
}

extension MosquittoBroker {
    /// Starts a broker (as `start(username:password:)`) that also listens with TLS on a free
    /// 127.0.0.1 port, and returns once both listeners accept TCP connections.
    ///
    /// The listener is added to the broker's configuration file and the broker restarted with
    /// it, so `restart()` and `kill9()` keep working as for any broker. Credentials, when
    /// given, apply to both listeners.
    public static func start(
        username: String? = nil, password: String? = nil, tls: MosquittoTLSListener
    ) async throws -> MosquittoTLSBroker {
        let broker = try await MosquittoBroker.start(username: username, password: password)
        let plain = try String(contentsOf: broker.configFile, encoding: .utf8)
        var lastError: (any Error)?
        for _ in 0..<5 {
            let tlsPort = try Self.freePort()
            let listener = [
                "listener \(tlsPort) 127.0.0.1",
                "cafile \(tls.caFile)",
                "certfile \(tls.certFile)",
                "keyfile \(tls.keyFile)",
                "require_certificate \(tls.requireCertificate)",
            ]
            do {
                try (plain + listener.joined(separator: "\n") + "\n")
                    .write(to: broker.configFile, atomically: true, encoding: .utf8)
                try await broker.restart()
                let deadline = Date().addingTimeInterval(5)
                while Date() < deadline, !Self.accepts(port: tlsPort) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                guard Self.accepts(port: tlsPort) else {
                    throw MosquittoBrokerError.notReady(port: tlsPort, log: String(broker.logText.suffix(2_000)))
                }
                return MosquittoTLSBroker(broker: broker, tlsPort: tlsPort)
            } catch {
                lastError = error
            }
        }
        broker.stop()
        throw lastError ?? MosquittoBrokerError.notReady(port: 0, log: "")
    }
}
