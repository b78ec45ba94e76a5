/// The metadata keys the simulator logs under, in one place so tests and people reading its
/// log can rely on them: a key is spelt here once, never as a literal at a log call.
enum SimulatorLogKey {
    static let host = "host"
    static let port = "port"
    static let tls = "tls"
    static let sessionID = "session.id"
    static let peer = "peer"
    static let username = "username"
}
