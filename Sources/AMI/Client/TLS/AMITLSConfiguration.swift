import NIOCore
import NIOSSL

/// How the client speaks TLS to Asterisk's TLS manager port (`tlsbindport`, 5039 by default).
///
/// Verification is on by default because AMI carries the login and can originate calls: a
/// man in the middle could place toll calls. The server certificate must chain to `caFile`
/// (or to the system trust store when it is nil) and name the host the client connects to.
public struct AMITLSConfiguration: Sendable, Hashable {
    /// PEM bundle of the CAs trusted to sign Asterisk's certificate; nil uses the system trust
    /// store (`/etc/ssl/certs`), right for a certificate from a public CA.
    public var caFile: String?
    /// PEM client certificate, for an Asterisk that requires one (`tlsverifyclient = yes`).
    public var certFile: String?
    /// PEM private key of `certFile`. The path is not secret; the file's contents are.
    public var keyFile: String?
    /// Whether the certificate must name `host` (DNS or IP subjectAltName). Turning it off
    /// still checks the CA, but any certificate that CA signed is then accepted.
    public var verifyHostname: Bool

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, verifyHostname: Bool = true) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.verifyHostname = verifyHostname
    }

    /// Loads the CA, certificate and key files so that a broken file is reported before the
    /// first connection (check-config, daemon start). Reads files: never call it on an event loop.
    /// - Throws: `AMIClientError.tlsSetupFailed` naming the file and the problem.
    public func validate() throws(AMIClientError) {
        _ = try self.makeContext()
    }

    /// The SSL context every connection of a client shares (built once: it reads files).
    func makeContext() throws(AMIClientError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = self.verifyHostname ? .fullVerification : .noHostnameVerification
        if let caFile = self.caFile {
            tls.trustRoots = .certificates(try Self.certificates(caFile, key: "ami.tlsCaFile"))
        } else {
            tls.trustRoots = .default
        }
        switch (self.certFile, self.keyFile) {
        case (let certFile?, let keyFile?):
            tls.certificateChain = try Self.certificates(certFile, key: "ami.tlsCertFile").map { .certificate($0) }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw .tlsSetupFailed(
                    "ami.tlsKeyFile '\(keyFile)' is not a readable, unencrypted PEM private key (\(error))")
            }
        case (nil, nil):
            break
        case (nil, _?), (_?, nil):
            throw .tlsSetupFailed("a client certificate needs both ami.tlsCertFile and ami.tlsKeyFile")
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .tlsSetupFailed(
                "the TLS settings were refused (\(error)): check that ami.tlsKeyFile belongs to ami.tlsCertFile")
        }
    }

    private static func certificates(_ path: String, key: String) throws(AMIClientError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw .tlsSetupFailed("\(key) '\(path)' is not a readable PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else {
            throw .tlsSetupFailed("\(key) '\(path)' holds no PEM certificate")
        }
        return certificates
    }

    /// The SNI name for `host`: the host itself, or nil for an IP address (SNI carries names
    /// only; the certificate is then checked against the address's IP subjectAltName).
    static func serverName(for host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}
