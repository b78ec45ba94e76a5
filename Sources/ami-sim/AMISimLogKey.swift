/// The metadata keys `ami-sim` logs under, in one place so people and scripts reading its
/// log can rely on them: a key is spelt here once, never as a literal at a log call.
enum AMISimLogKey {
    static let callsPerSecond = "cps"
    static let seed = "seed"
    static let connections = "connections"
    static let calls = "calls"
    static let command = "command"
    static let error = "error"
}
