/// What `/healthz` reports: both links must be up for the bridge to be useful.
struct HealthStatus: Sendable, Equatable {
    var amiConnected: Bool
    var brokerConnected: Bool

    /// True only when AMI and the broker are both connected.
    var isHealthy: Bool {
        self.amiConnected && self.brokerConnected
    }

    /// The names of the links that are down (`ami`, `broker`), in that order.
    var downLinks: [String] {
        (self.amiConnected ? [] : ["ami"]) + (self.brokerConnected ? [] : ["broker"])
    }
}
