/// Settings of `pbx2mqtt demo` beyond the shared configuration.
///
/// In demo mode the AMI side is the embedded simulator: `configuration.ami.username`/`secret`
/// are demo credentials the simulator must accept, and the daemon replaces `ami.host`/`ami.port`
/// with the simulator's bound address.
struct DemoOptions: Sendable, Equatable {
    /// Which broker the demo publishes to.
    enum Broker: Sendable, Equatable {
        /// Start a local mosquitto on this port (nil = any free port, printed).
        case local(port: Int?)
        /// Use an existing broker, already written into `configuration.mqtt.host`/`port`.
        case external(host: String, port: Int)
    }

    /// Simulated agents.
    var agents: Int
    /// Simulated queues.
    var queues: Int
    /// Simulated calls per second.
    var callsPerSecond: Double
    var broker: Broker

    /// Defaults of the `demo` flags.
    static let defaultAgents = 10
    static let defaultQueues = 2
    static let defaultCallsPerSecond = 0.5
    /// The AMI user the embedded simulator is configured with.
    static let simulatorUsername = "pbx2mqtt-demo"
}
