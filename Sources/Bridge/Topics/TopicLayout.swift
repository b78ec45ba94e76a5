/// Where everything lives under the configurable prefix (`pbx` by default).
public struct TopicLayout: Sendable, Hashable {
    public let prefix: String

    /// - Throws: when the prefix is empty, starts or ends with `/`, or holds a wildcard.
    public init(prefix: String) throws(TopicLayoutError) {
        guard !prefix.isEmpty, !prefix.hasPrefix("/"), !prefix.hasSuffix("/"), !prefix.hasPrefix("$"),
            !prefix.contains(where: { $0 == "+" || $0 == "#" || $0 == "\0" })
        else {
            throw .invalidPrefix(prefix)
        }
        self.prefix = prefix
    }

    /// The default layout, prefix `pbx`.
    public static let standard = TopicLayout(checked: "pbx")

    /// A prefix known to be valid.
    private init(checked prefix: String) {
        self.prefix = prefix
    }

    public var bridgeState: String { self.prefix + "/bridge/state" }
    public var bridgeAMI: String { self.prefix + "/bridge/ami" }
    /// The subscription for commands.
    public var commandFilter: String { self.prefix + "/cmd/#" }
    public var commandPrefix: String { self.prefix + "/cmd/" }
    public var originateFailed: String { self.prefix + "/event/originateFailed" }

    public func defaultReply(for command: String) -> String {
        self.prefix + "/reply/" + command
    }

    public func agent(_ agent: String, _ leaf: String) throws(TopicSegment.Error) -> String {
        self.prefix + "/agent/" + (try TopicSegment.escape(agent)) + "/" + leaf
    }

    public func queueMember(agent: String, queue: String) throws(TopicSegment.Error) -> String {
        self.prefix + "/agent/" + (try TopicSegment.escape(agent)) + "/queueMemberStatus/"
            + (try TopicSegment.escape(queue))
    }

    public func extensionTopic(_ exten: String, _ leaf: String) throws(TopicSegment.Error) -> String {
        self.prefix + "/extension/" + (try TopicSegment.escape(exten)) + "/" + leaf
    }

    public func parking(lot: String, space: String) throws(TopicSegment.Error) -> String {
        self.prefix + "/parking/" + (try TopicSegment.escape(lot)) + "/" + (try TopicSegment.escape(space))
    }

    /// `{p}/call/{linkedid}/event`.
    public func callEvent(_ linkedID: String) throws(TopicSegment.Error) -> String {
        self.prefix + "/call/" + (try TopicSegment.escape(linkedID)) + "/event"
    }

    public func queue(_ queue: String, _ leaf: String) throws(TopicSegment.Error) -> String {
        self.prefix + "/queue/" + (try TopicSegment.escape(queue)) + "/" + leaf
    }

    /// The command name of a message on `{p}/cmd/…`, or nil for any other topic.
    public func commandName(of topic: String) -> String? {
        guard topic.hasPrefix(self.commandPrefix) else { return nil }
        return String(topic.dropFirst(self.commandPrefix.count))
    }

    /// Whether the bridge may publish a reply to `topic` chosen by a broker user.
    ///
    /// Reply topics come from untrusted requests. The bridge may write the whole `{p}/#` tree,
    /// so without this check a user could make it publish over retained state
    /// (`pbx/agent/147/extensionStatus`) or into commands. Replies may go under `{p}/reply/`
    /// or anywhere outside `{p}/`, never into `$SYS`-style topics or wildcards.
    ///
    /// With a prefix of several segments (`pbx/site-a`, one bridge per site) the whole first
    /// segment's tree (`pbx/…`) counts as the bridge's: outside `{p}/reply/` it may hold the
    /// state and commands of the other sites' bridges, which a reply must not overwrite.
    public func isAllowedReplyTopic(_ topic: String) -> Bool {
        guard !topic.isEmpty, topic.utf8.count <= 512, !topic.hasPrefix("$"),
            !topic.contains(where: { $0 == "+" || $0 == "#" || $0 == "\0" || $0.isNewline })
        else { return false }
        if topic == self.root || topic.hasPrefix(self.root + "/") {
            return topic.hasPrefix(self.prefix + "/reply/")
        }
        return true
    }

    /// The prefix's first segment (`pbx` for `pbx/site-a`): the tree that sites share.
    public var root: String {
        String(self.prefix.prefix(while: { $0 != "/" }))
    }
}

public enum TopicLayoutError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidPrefix(String)

    public var description: String {
        switch self {
        case .invalidPrefix(let prefix):
            "mqtt.prefix \(prefix.debugDescription) is not a valid topic prefix: it must be non-empty, not start with `/` or `$`, not end with `/`, and hold no `+`, `#` or NUL"
        }
    }
}
