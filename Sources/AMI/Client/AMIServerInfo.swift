/// What the client learned about the Asterisk it is logged in to.
public struct AMIServerInfo: Sendable, Hashable {
    /// The banner's product words, `Asterisk` (or another Asterisk-based PBX's name).
    public var product: String
    /// The AMI protocol version from the banner (`11.0.0` for Asterisk 22), not the
    /// Asterisk release.
    public var amiVersion: String
    public var host: String
    public var port: Int

    public init(product: String, amiVersion: String, host: String, port: Int) {
        self.product = product
        self.amiVersion = amiVersion
        self.host = host
        self.port = port
    }
}
