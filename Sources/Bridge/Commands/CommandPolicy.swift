/// What broker users may make the PBX do. Validation consults it before any AMI action.
public struct CommandPolicy: Sendable, Hashable {
    /// Regular expressions; an originate/redirect destination must match one of them in full.
    /// The default admits internal extensions only (2 to 6 digits), so a broker user cannot
    /// place toll calls unless the operator opens it up.
    public var allowDestinations: [String]
    /// The dialplan context originates and redirects go to when the command names none.
    public var originateContext: String
    /// Contexts a command may name explicitly (besides `originateContext`).
    public var allowedContexts: [String]
    /// Whether commands may name raw channels (`"channel": "PJSIP/…"`) instead of agents.
    public var allowRawChannels: Bool
    /// How an agent id becomes the interface commands act on (`QueueAdd`, `Originate`).
    public var agentInterface: String
    /// How an agent id becomes its device-state interface (`StateInterface` of `QueueAdd`).
    public var agentStateInterface: String
    /// Commands waiting for Asterisk at once; more get `busy`.
    public var maxInFlight: Int
    /// How long a command waits for Asterisk before the `timeout` reply, in seconds.
    public var timeoutSeconds: Double

    /// Internal extensions only, 2 to 6 digits: the one default of `commands.allowDestinations`
    /// (pbx2mqtt's configuration table refers to it). Anchored, although matching is whole
    /// anyway, so the pattern reads the same wherever it is shown.
    public static let defaultDestinations = ["^[0-9]{2,6}$"]

    public init(
        allowDestinations: [String] = CommandPolicy.defaultDestinations,
        originateContext: String = "from-internal",
        allowedContexts: [String] = [],
        allowRawChannels: Bool = false,
        agentInterface: String = "Local/{agent}@agents/n",
        agentStateInterface: String = "Custom:{agent}",
        maxInFlight: Int = 100,
        timeoutSeconds: Double = 10
    ) {
        self.allowDestinations = allowDestinations
        self.originateContext = originateContext
        self.allowedContexts = allowedContexts
        self.allowRawChannels = allowRawChannels
        self.agentInterface = agentInterface
        self.agentStateInterface = agentStateInterface
        self.maxInFlight = maxInFlight
        self.timeoutSeconds = timeoutSeconds
    }

    /// The interface of `agent` under `template`.
    public func interface(for agent: String) -> String {
        Self.fill(self.agentInterface, agent: agent)
    }

    public func stateInterface(for agent: String) -> String {
        Self.fill(self.agentStateInterface, agent: agent)
    }

    static func fill(_ template: String, agent: String) -> String {
        var result = ""
        var rest = Substring(template)
        while let range = rest.firstRange(of: "{agent}") {
            result += rest[..<range.lowerBound]
            result += agent
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// True when `destination` matches an allow-list pattern in full; a pattern that does not
    /// compile matches nothing (configuration validation refuses such patterns first).
    public func allows(destination: String) -> Bool {
        for pattern in self.allowDestinations {
            guard let regex = try? Regex(pattern) else { continue }
            if (try? regex.wholeMatch(in: destination)) != nil {
                return true
            }
        }
        return false
    }

    func allows(context: String) -> Bool {
        context == self.originateContext || self.allowedContexts.contains(context)
    }
}
