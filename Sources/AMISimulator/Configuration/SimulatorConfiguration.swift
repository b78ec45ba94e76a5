import Foundation

/// Everything a simulator instance is built from.
public struct SimulatorConfiguration: Sendable {
    public var users: [SimulatorUser]
    public var callCenter: CallCenterConfiguration
    public var clock: SimulatorClock
    /// Unix time of simulated second 0 (LoginTime, Uniqueid, Timestamp): fix it for
    /// byte-identical runs.
    public var startEpoch: Double
    /// Seconds Asterisk had been up when the simulator starts (FullyBooted `Uptime`).
    public var initialUptime: Int
    /// Asterisk sleeps 1 s before answering a failed login; tests keep 0.
    public var loginFailureDelay: Double
    /// Seed of the challenge generator (MD5 login).
    public var challengeSeed: UInt64
    /// Number of the first `Local/...-XXXXXXXX` channel pair, so that a replayed transcript
    /// finds the channel names it refers to.
    public var firstLocalChannelNumber: Int
    /// TLS on the listener (Asterisk's tlsbindport); nil listens in clear text.
    public var tls: SimulatorTLSConfiguration?

    public init(
        users: [SimulatorUser] = [.bridge],
        callCenter: CallCenterConfiguration = .fixture,
        clock: SimulatorClock = .realTime(scale: 1),
        startEpoch: Double = Date().timeIntervalSince1970.rounded(.down),
        initialUptime: Int = 1,
        loginFailureDelay: Double = 0,
        challengeSeed: UInt64 = 577_092_151,
        firstLocalChannelNumber: Int = 0,
        tls: SimulatorTLSConfiguration? = nil
    ) {
        self.users = users
        self.callCenter = callCenter
        self.clock = clock
        self.startEpoch = startEpoch
        self.initialUptime = initialUptime
        self.loginFailureDelay = loginFailureDelay
        self.challengeSeed = challengeSeed
        self.firstLocalChannelNumber = firstLocalChannelNumber
        self.tls = tls
    }
}
