/// The metadata keys the AMI client logs under, in one place so log queries and dashboards
/// can rely on them: a key is spelt here once, never as a literal at a log call.
enum AMILogKey {
    static let host = "ami.host"
    static let port = "ami.port"
    static let action = "ami.action"
    static let actionID = "ami.action_id"
    static let attempt = "ami.attempt"
    static let error = "ami.error"
    static let event = "ami.event"
    static let retryIn = "ami.retry_in"
    static let product = "ami.product"
    static let version = "ami.version"
    static let filter = "ami.filter"
    static let message = "ami.message"
    static let reason = "ami.reason"
    static let raw = "ami.raw"
    static let shutdown = "ami.shutdown"
    static let restart = "ami.restart"
    static let filtersRefused = "ami.filters_refused"
}
