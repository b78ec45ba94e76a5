/// What the daemon connects its AMI side to.
enum DaemonMode: Sendable, Equatable {
    /// A real Asterisk at `configuration.ami`.
    case run
    /// The embedded simulator, with an optional local broker (see ``DemoOptions``).
    case demo(DemoOptions)
}
