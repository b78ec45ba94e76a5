/// Turns a command message into a `CommandRequest`, or refuses it with an error naming the
/// field. Everything is checked here, before any AMI action exists, so a refused command is
/// never half done.
public struct CommandParser: Sendable {
    public var policy: CommandPolicy
    /// Largest accepted payload; bigger ones are refused unread.
    public static let maxPayloadBytes = 64 * 1024

    public init(policy: CommandPolicy) {
        self.policy = policy
    }

    /// What can be salvaged from a refused request to route the error reply.
    public struct Failure: Error, Sendable, Hashable {
        public var error: CommandError
        public var name: String
        public var id: String?
        public var replyTo: String?
    }

    /// Parses the command named by the topic suffix (`queue/add`) with its JSON body.
    public func parse(command name: String, payload: [UInt8]) -> Result<CommandRequest, Failure> {
        func fail(_ error: CommandError, id: String? = nil, replyTo: String? = nil) -> Result<CommandRequest, Failure> {
            .failure(Failure(error: error, name: name, id: id, replyTo: replyTo))
        }
        guard payload.count <= Self.maxPayloadBytes else {
            return fail(
                CommandError(
                    .invalidField, "payload: \(payload.count) bytes is over the \(Self.maxPayloadBytes)-byte limit",
                    field: "payload"))
        }
        let body: [String: JSONValue]
        if payload.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            body = [:]
        } else {
            let depth = JSONValue.nestingDepth(of: payload)
            guard depth <= JSONValue.maxDepth else {
                return fail(
                    CommandError(
                        .badJSON, "the payload nests \(depth) levels deep; at most \(JSONValue.maxDepth) are read"))
            }
            guard case .object(let object)? = JSONValue.parse(payload) else {
                return fail(CommandError(.badJSON, "the payload is not a JSON object"))
            }
            body = object
        }
        // Routing fields first, so that even a refused command is answered where it asks.
        var fields = Fields(body)
        let id: String?
        let replyTo: String?
        do {
            id = try fields.optionalString("id", maxLength: 128, forbidding: "+#")
        } catch {
            return fail(error)
        }
        do {
            replyTo = try fields.optionalString("replyTo", maxLength: 512, forbidding: "+#")
        } catch {
            return fail(error, id: id)
        }
        guard let commandName = CommandName(rawValue: name) else {
            return fail(
                CommandError(
                    .unknownCommand,
                    "unknown command \(name.debugDescription); known: \(CommandName.allCases.map(\.rawValue).joined(separator: ", "))"
                ),
                id: id,
                replyTo: replyTo
            )
        }
        do {
            let command = try self.command(commandName, &fields)
            try fields.rejectUnknown()
            return .success(CommandRequest(name: commandName, id: id, replyTo: replyTo, command: command))
        } catch {
            return fail(error, id: id, replyTo: replyTo)
        }
    }

    /// The `id` and `replyTo` of a payload that will not be executed (a retained command),
    /// so that its refusal still reaches the sender and echoes its id. Invalid values are nil.
    public func routing(of payload: [UInt8]) -> (id: String?, replyTo: String?) {
        guard payload.count <= Self.maxPayloadBytes, case .object(let object)? = JSONValue.parse(payload) else {
            return (nil, nil)
        }
        var fields = Fields(object)
        let id = try? fields.optionalString("id", maxLength: 128, forbidding: "+#")
        let replyTo = try? fields.optionalString("replyTo", maxLength: 512, forbidding: "+#")
        return (id ?? nil, replyTo ?? nil)
    }

    // MARK: Each command

    private func command(_ name: CommandName, _ fields: inout Fields) throws(CommandError) -> Command {
        switch name {
        case .originate:
            let from = try fields.agent("from")
            let to = try self.destination(&fields, "to")
            let context = try self.context(&fields)
            let callerID = try fields.optionalString("callerId", maxLength: 80)
            let timeout = try fields.optionalInt("timeoutSeconds", in: 1...300) ?? 30
            let variables = try fields.variables("variables")
            return .originate(
                .init(
                    from: from, to: to, context: context, callerID: callerID, variables: variables,
                    timeoutSeconds: timeout))
        case .redirect:
            let target = try self.target(&fields)
            let to = try self.destination(&fields, "to")
            let context = try self.context(&fields)
            return .redirect(target, to: to, context: context)
        case .park:
            let target = try self.target(&fields)
            let announceTo = try fields.optionalAgent("announceTo")
            return .park(target, announceTo: announceTo)
        case .hangup:
            return .hangup(try self.target(&fields))
        case .queueAdd:
            let queues = try fields.queues("queue", required: true)
            let agent = try fields.agent("agent")
            let memberName = try fields.optionalString("name", maxLength: 80)
            let penalty = try fields.optionalInt("penalty", in: 0...10_000)
            let paused = try fields.optionalBool("paused")
            return .queueAdd(queues: queues, agent: agent, name: memberName, penalty: penalty, paused: paused)
        case .queueRemove:
            let queues = try fields.queues("queue", required: true)
            return .queueRemove(queues: queues, agent: try fields.agent("agent"))
        case .queuePause:
            let queues = try fields.queues("queue", required: false)
            let agent = try fields.agent("agent")
            let paused = try fields.optionalBool("paused") ?? true
            let reason = try fields.optionalString("reason", maxLength: 128)
            return .queuePause(queues: queues, agent: agent, paused: paused, reason: reason)
        case .queueReset:
            return .queueReset(queue: try fields.queues("queue", required: false, single: true).first)
        case .queueStatus:
            return .queueStatus(queue: try fields.queues("queue", required: false, single: true).first)
        case .bridgeResync:
            return .bridgeResync
        case .wrapUpEnd:
            let queues = try fields.queues("queue", required: false)
            return .wrapUpEnd(agent: try fields.agent("agent"), queues: queues)
        case .stateGet:
            let filter = try fields.optionalString("filter", maxLength: 512)
            let after = try fields.optionalString("after", maxLength: 1024)
            guard let filter else { return .stateGet(filter: nil, after: after) }
            do {
                return .stateGet(filter: try TopicFilter(filter), after: after)
            } catch {
                throw .invalid("filter", "\(error)")
            }
        }
    }

    private func destination(_ fields: inout Fields, _ key: String) throws(CommandError) -> String {
        let to = try fields.string(key, maxLength: 40)
        guard to.utf8.allSatisfy({ Fields.isDialable($0) }) else {
            throw .invalid(key, "only digits, letters and * # + . _ - may appear in a destination")
        }
        guard self.policy.allows(destination: to) else {
            throw CommandError(
                .forbidden, "\(key): destination \(to.debugDescription) is not in commands.allowDestinations",
                field: key)
        }
        return to
    }

    private func context(_ fields: inout Fields) throws(CommandError) -> String {
        guard let context = try fields.optionalString("context", maxLength: 80) else {
            return self.policy.originateContext
        }
        guard context.utf8.allSatisfy({ Fields.isIdentifier($0) }) else {
            throw .invalid("context", "only letters, digits and . _ - may appear in a context")
        }
        guard self.policy.allows(context: context) else {
            throw CommandError(
                .forbidden, "context: \(context.debugDescription) is not an allowed context", field: "context")
        }
        return context
    }

    private func target(_ fields: inout Fields) throws(CommandError) -> Command.Target {
        let agent = try fields.optionalAgent("agent")
        let channel = try fields.optionalString("channel", maxLength: 128)
        switch (agent, channel) {
        case (let agent?, nil):
            return .agent(agent)
        case (nil, let channel?):
            guard self.policy.allowRawChannels else {
                throw CommandError(
                    .forbidden, "channel: raw channels are disabled (commands.allowRawChannels); name an agent instead",
                    field: "channel")
            }
            guard channel.utf8.allSatisfy({ Fields.isChannelByte($0) }) else {
                throw .invalid("channel", "only letters, digits and / @ . _ ; : - may appear in a channel name")
            }
            return .channel(channel)
        case (nil, nil):
            throw .invalid("agent", "required (or `channel`)")
        case (.some, .some):
            throw .invalid("channel", "give either `agent` or `channel`, not both")
        }
    }
}

/// The body's fields, consumed as they are validated so that leftovers can be refused.
struct Fields {
    private var remaining: [String: JSONValue]

    init(_ body: [String: JSONValue]) {
        self.remaining = body
    }

    mutating func take(_ key: String) -> JSONValue? {
        guard let value = self.remaining.removeValue(forKey: key) else { return nil }
        if case .null = value { return nil }
        return value
    }

    func rejectUnknown() throws(CommandError) {
        if let key = self.remaining.keys.sorted().first {
            throw .invalid(Self.printable(key), "unknown field")
        }
    }

    mutating func string(_ key: String, maxLength: Int, forbidding extra: String = "") throws(CommandError) -> String {
        guard let value = try self.optionalString(key, maxLength: maxLength, forbidding: extra) else {
            throw .invalid(key, "required")
        }
        return value
    }

    mutating func optionalString(_ key: String, maxLength: Int, forbidding extra: String = "") throws(CommandError)
        -> String?
    {
        guard let value = self.take(key) else { return nil }
        guard case .string(let string) = value else {
            throw .invalid(key, "expected a string, got \(value.typeName)")
        }
        try Self.checkText(string, key, maxLength: maxLength)
        if let bad = string.first(where: { extra.contains($0) }) {
            throw .invalid(key, "must not contain \(String(bad).debugDescription)")
        }
        return string
    }

    mutating func agent(_ key: String) throws(CommandError) -> String {
        guard let agent = try self.optionalAgent(key) else { throw .invalid(key, "required") }
        return agent
    }

    /// Agent ids go into interface templates, so they are held to a plain identifier.
    mutating func optionalAgent(_ key: String) throws(CommandError) -> String? {
        guard let agent = try self.optionalString(key, maxLength: 64) else { return nil }
        guard !agent.isEmpty, agent.utf8.allSatisfy({ Self.isIdentifier($0) }) else {
            throw .invalid(key, "an agent id is 1–64 of letters, digits and . _ -")
        }
        return agent
    }

    /// One queue name or a list of them.
    mutating func queues(_ key: String, required: Bool, single: Bool = false) throws(CommandError) -> [String] {
        guard let value = self.take(key) else {
            if required { throw .invalid(key, "required") }
            return []
        }
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let items) where !single:
            guard !items.isEmpty, items.count <= 100 else { throw .invalid(key, "give 1 to 100 queues") }
            names = items
        default:
            throw .invalid(key, single ? "expected a string" : "expected a string or a list of strings")
        }
        var queues: [String] = []
        for name in names {
            guard case .string(let queue) = name else { throw .invalid(key, "expected queue names as strings") }
            guard !queue.isEmpty, queue.utf8.count <= 80, queue.utf8.allSatisfy({ Self.isIdentifier($0) }) else {
                throw .invalid(key, "a queue name is 1–80 of letters, digits and . _ -")
            }
            if !queues.contains(queue) { queues.append(queue) }
        }
        return queues
    }

    mutating func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(CommandError) -> Int? {
        guard let value = self.take(key) else { return nil }
        guard case .number(let number) = value, number == number.rounded(), number.isFinite,
            Double(range.lowerBound) <= number, number <= Double(range.upperBound)
        else {
            throw .invalid(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(number)
    }

    mutating func optionalBool(_ key: String) throws(CommandError) -> Bool? {
        guard let value = self.take(key) else { return nil }
        guard case .bool(let bool) = value else { throw .invalid(key, "expected true or false, got \(value.typeName)") }
        return bool
    }

    /// Channel variables for `Originate`: plain names only, so no dialplan function
    /// (`FILE()`, `SHELL()`…) can be written through them.
    mutating func variables(_ key: String) throws(CommandError) -> [String: String] {
        guard let value = self.take(key) else { return [:] }
        guard case .object(let members) = value else { throw .invalid(key, "expected an object of string values") }
        guard members.count <= 32 else { throw .invalid(key, "at most 32 variables") }
        var variables: [String: String] = [:]
        for (name, member) in members {
            let path = "\(key).\(Self.printable(name))"
            guard let first = name.utf8.first, !name.isEmpty, name.utf8.count <= 64,
                first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")),
                name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || Self.isAlphanumeric($0) })
            else {
                throw .invalid(path, "a variable name is a letter or _ followed by letters, digits or _")
            }
            guard case .string(let string) = member else { throw .invalid(path, "expected a string") }
            try Self.checkText(string, path, maxLength: 256)
            // Asterisk splits each `Variable:` header at commas, so a comma would smuggle in
            // a second variable.
            guard !string.contains(",") else {
                throw .invalid(path, "must not contain \",\" (Asterisk would split the value into another variable)")
            }
            variables[name] = string
        }
        return variables
    }

    // MARK: Character classes

    /// Free text may hold any unicode but no control character: CR and LF would end an AMI
    /// header (injection), NUL truncates it. C1 controls (NEL) and the unicode line and
    /// paragraph separators are refused too: some log viewers and consoles break lines there.
    static func checkText(_ string: String, _ key: String, maxLength: Int) throws(CommandError) {
        guard string.count <= maxLength else { throw .invalid(key, "longer than \(maxLength) characters") }
        for scalar in string.unicodeScalars where Self.isControl(scalar) {
            throw .invalid(key, "control characters (CR, LF, NUL, …) are not allowed")
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    static func isIdentifier(_ byte: UInt8) -> Bool {
        self.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    static func isDialable(_ byte: UInt8) -> Bool {
        self.isIdentifier(byte) || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "+")
    }

    static func isChannelByte(_ byte: UInt8) -> Bool {
        self.isIdentifier(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: ";")
            || byte == UInt8(ascii: ":")
    }

    /// A field name from the request, safe to put in a message.
    static func printable(_ key: String) -> String {
        String(key.unicodeScalars.filter { !Self.isControl($0) }.prefix(64).map(Character.init))
    }
}
