import AMI

/// An action the simulator received, for tests that assert on what a client sent.
public struct ReceivedAction: Sendable, Hashable {
    /// The connection it came on (1, 2, … in connection order).
    public var session: Int
    /// The user the session was logged in as when it arrived (nil before login).
    public var username: String?
    public var message: AMIMessage

    public init(session: Int, username: String?, message: AMIMessage) {
        self.session = session
        self.username = username
        self.message = message
    }

    /// The `Action` name.
    public var name: String { self.message.actionName ?? "" }
}
