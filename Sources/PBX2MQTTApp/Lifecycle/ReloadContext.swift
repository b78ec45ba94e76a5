/// What a SIGHUP reload needs besides the running bridge: where the configuration came from,
/// and the logging pieces it may change live.
struct ReloadContext: Sendable {
    var sources: ConfigurationSources
    let redaction: Redaction
    let levels: LogLevelControl
}
