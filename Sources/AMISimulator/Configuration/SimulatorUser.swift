/// A manager.conf account the simulator accepts.
public struct SimulatorUser: Sendable, Hashable {
    public var username: String
    public var secret: String
    /// Which event classes the user may receive (`read=`).
    public var read: AMIPrivilege
    /// Which action classes the user may run (`write=`).
    public var write: AMIPrivilege

    public init(username: String, secret: String, read: AMIPrivilege = .all, write: AMIPrivilege = .all) {
        self.username = username
        self.secret = secret
        self.read = read
        self.write = write
    }

    /// The fixtures' full-rights account, `bridge`/`bridgepw`.
    public static let bridge = SimulatorUser(username: "bridge", secret: "bridgepw")
    /// The fixtures' limited account: reads call and agent events, may only originate.
    public static let limited = SimulatorUser(
        username: "limited",
        secret: "limitedpw",
        read: [.call, .agent],
        write: [.originate]
    )
}
