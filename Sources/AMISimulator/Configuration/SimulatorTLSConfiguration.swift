import NIOSSL

/// TLS on the simulator's listener, as Asterisk's `tlsenable`/`tlscertfile`/`tlsprivatekey`
/// (and `tlscafile` + `tlsverifyclient` for client certificates) set it up in manager.conf.
public struct SimulatorTLSConfiguration: Sendable, Hashable {
    /// PEM certificate (chain) the simulator presents.
    public var certFile: String
    /// PEM private key of `certFile`.
    public var keyFile: String
    /// When set, clients must present a certificate signed by a CA in this PEM file.
    public var clientCAFile: String?

    public init(certFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certFile = certFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }

    /// The server context (reads the files: call it off the event loop).
    func makeContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(self.certFile).map { NIOSSLCertificateSource.certificate($0) }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain,
            privateKey: .privateKey(try NIOSSLPrivateKey(file: self.keyFile, format: .pem))
        )
        if let clientCAFile = self.clientCAFile {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCAFile))
        }
        return try NIOSSLContext(configuration: tls)
    }
}
