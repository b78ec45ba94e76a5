/// The role of one of several pbx2mqtt instances serving one Asterisk under one prefix
/// (an active/standby pair): exactly one is active (holds AMI, publishes, executes commands),
/// the others watch the active one's retained `{p}/bridge/state` and its Last Will and take
/// over when it goes offline.
///
/// Pure: the inputs are the instance's own start, the end of its first observation window and
/// every `bridge/state` message it sees (its own included); the outputs say what the shell
/// does. No clock and no I/O, so every switch is a transcript test.
///
/// The rules:
/// * A starting instance waits for the window (the broker replays the retained state on
///   subscribe) and stays standby if another instance is online, else becomes active. So a
///   returning instance stays standby.
/// * A standby instance becomes active when the instance it watches goes offline (its Last
///   Will, its graceful `offline`, or the topic cleared), and follows a switch to another
///   online instance.
/// * Every instance connects with its Last Will on `{p}/bridge/state`, so a dying standby's
///   `offline` replaces the active one's retained `online`: the active instance publishes its
///   `online` again at once (subscribers see `offline` briefly).
/// * No split brain: an active instance that sees another instance online executes no command
///   until that is settled. Two instances that both became active (started together with
///   nothing retained) settle by id: the greater id steps down to standby, the smaller one
///   publishes its `online` again and executes commands once it sees that message come back
///   as the latest.
public struct FailoverRoleMachine: Sendable, Hashable {
    public enum Role: Sendable, Hashable {
        /// Started, waiting for the observation window.
        case deciding
        /// Another instance is active; this one watches it.
        case standby(watching: String?)
        case active
    }

    public enum Input: Sendable, Hashable {
        case started
        case windowEnded
        case observed(BridgeStateObservation)
    }

    public enum Output: Sendable, Hashable {
        /// Take AMI, sync from Asterisk, publish `online` with this instance's id.
        case becomeActive
        /// Hold nothing: no AMI, no publications, no commands (stepping down from active too).
        case becomeStandby(watching: String?)
        /// Publish this instance's `online` again (it must be the retained value).
        case republishOnline
    }

    public let instance: String
    public private(set) var role: Role = .deciding
    /// Active, but another instance was seen online since this one's own `online` was last seen.
    public private(set) var contested = false

    public init(instance: String) {
        self.instance = instance
    }

    /// Only an active instance that sees no other active instance executes commands.
    public var mayExecuteCommands: Bool { self.role == .active && !self.contested }

    public mutating func handle(_ input: Input) -> [Output] {
        switch (self.role, input) {
        case (_, .started):
            self.role = .deciding
            self.contested = false
            return []
        case (.deciding, .windowEnded):
            self.role = .active
            return [.becomeActive]
        case (.standby, .windowEnded), (.active, .windowEnded):
            return []
        case (.deciding, .observed(let seen)):
            // Online without an id: a bridge outside any pair runs; never compete with it.
            guard seen.online, seen.instance != self.instance else { return [] }
            self.role = .standby(watching: seen.instance)
            return [.becomeStandby(watching: seen.instance)]
        case (.standby(let watching), .observed(let seen)):
            if seen.online {
                guard seen.instance != self.instance, seen.instance != watching else { return [] }
                self.role = .standby(watching: seen.instance)
                return []
            }
            // Offline: the Last Will or graceful stop of the watched instance, or the topic
            // cleared. Another standby's Last Will says nothing about the active one.
            guard seen.instance == nil || seen.instance == watching else { return [] }
            self.role = .active
            return [.becomeActive]
        case (.active, .observed(let seen)):
            guard seen.online else {
                // A standby's Last Will (or an earlier run's) now stands as the retained value
                // while this instance runs: put `online` back. Its own earlier Last Will, nil
                // or not, is no news.
                guard let other = seen.instance, other != self.instance else { return [] }
                return [.republishOnline]
            }
            if seen.instance == self.instance {
                // Its own `online` came back as the latest: nobody else is active now.
                self.contested = false
                return []
            }
            self.contested = true
            // Online without an id: a bridge outside any pair. No order to settle by: refuse
            // commands until this instance's own `online` is the latest again.
            guard let other = seen.instance else { return [] }
            if Self.precedes(other, self.instance) {
                self.role = .standby(watching: other)
                self.contested = false
                return [.becomeStandby(watching: other)]
            }
            return [.republishOnline]
        }
    }

    /// The order two active instances settle by: the smaller id (UTF-8 bytes) stays active.
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }
}
