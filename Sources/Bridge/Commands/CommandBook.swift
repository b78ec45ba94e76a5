/// The commands the bridge is carrying out, and what each waits for.
///
/// Pure bookkeeping (the machine decides, this remembers): tokens for commands in flight,
/// originates waiting for their `OriginateResponse` by ActionID, parks waiting for their
/// `ParkedCall` by parked channel, and the at-most-once memory of ids.
struct CommandBook: Sendable {
    var recent = RecentCommands()
    private(set) var pending: [CommandToken: PendingCommand] = [:]
    private var lastToken = 0
    private var originates: [String: CommandToken] = [:]
    private var parks: [String: CommandToken] = [:]

    /// Commands sent to Asterisk and not finally answered.
    var inFlight: Int { self.pending.count }

    /// Registers a command about to send its first action.
    mutating func open(_ command: PendingCommand) -> CommandToken {
        self.lastToken += 1
        let token = CommandToken(self.lastToken)
        self.pending[token] = command
        return token
    }

    subscript(token: CommandToken) -> PendingCommand? {
        get { self.pending[token] }
        set { self.pending[token] = newValue }
    }

    /// Forgets a finally answered command and everything that pointed at it.
    @discardableResult
    mutating func close(_ token: CommandToken) -> PendingCommand? {
        guard let command = self.pending.removeValue(forKey: token) else { return nil }
        if let actionID = command.actionID, self.originates[actionID] == token {
            self.originates[actionID] = nil
        }
        if case .park(_, let channel) = command.plan, self.parks[channel] == token {
            self.parks[channel] = nil
        }
        return command
    }

    mutating func awaitOriginateResponse(actionID: String, token: CommandToken) {
        self.originates[actionID] = token
    }

    /// The command an `OriginateResponse` with `actionID` answers, if any.
    func originate(actionID: String) -> CommandToken? {
        self.originates[actionID]
    }

    /// Commands waiting for an `OriginateResponse`.
    var waitingOriginates: [CommandToken] {
        self.originates.values.sorted { $0.value < $1.value }
    }

    /// Registers a park before its action is sent (Asterisk may report the park before it
    /// answers the action). Returns an earlier park of the same channel that it replaces.
    mutating func awaitParkedCall(channel: String, token: CommandToken) -> CommandToken? {
        let previous = self.parks[channel]
        self.parks[channel] = token
        return previous
    }

    /// The park command a `ParkedCall` of `channel` answers, if any.
    func park(channel: String) -> CommandToken? {
        self.parks[channel]
    }

    var isWaitingForEvents: Bool { !self.originates.isEmpty || !self.parks.isEmpty }
}
