/// TLS settings for the broker connection.
public struct MQTTTLSConfiguration: Sendable, Hashable {
    /// PEM file of the certificate authorities trusted to sign the broker's certificate.
    public var caFile: String
    /// PEM client certificate, when the broker authenticates clients by certificate.
    public var certFile: String?
    /// PEM private key matching `certFile`.
    public var keyFile: String?
    /// Skips the host name check of the broker certificate. Only for test setups: it allows a
    /// man in the middle.
    public var insecure: Bool

    public init(caFile: String, certFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecure = insecure
    }
}
