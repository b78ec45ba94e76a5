/// Derives agent ids from the names Asterisk uses for an agent: member interfaces, state
/// interfaces, hints and live channel names.
///
/// Every name is matched against the configured templates as a prefix/suffix pair around
/// `{agent}`, so resolving costs a few string comparisons and no regular expression.
public struct AgentIdentity: Sendable, Hashable {
    /// One template split around `{agent}`.
    struct Pattern: Sendable, Hashable {
        var prefix: String
        var suffix: String
        /// The suffix as it appears in channel names: a Local interface's `/n` options are
        /// not part of its channels' names (`Local/147@agents-0000004f;1`).
        var channelSuffix: String

        init?(template: String) {
            guard let range = template.firstRange(of: "{agent}") else { return nil }
            self.prefix = String(template[..<range.lowerBound])
            self.suffix = String(template[range.upperBound...])
            var channelSuffix = self.suffix
            if self.prefix.hasPrefix("Local/"), let at = channelSuffix.firstIndex(of: "@"),
                let slash = channelSuffix[at...].firstIndex(of: "/")
            {
                channelSuffix = String(channelSuffix[..<slash])
            }
            self.channelSuffix = channelSuffix
        }

        /// The part of `name` between the prefix and `suffix`, compared as UTF-8 bytes (ids
        /// and technology names are ASCII; byte comparison avoids grapheme breaking).
        func match(_ name: Substring, suffix: String) -> Substring? {
            let bytes = name.utf8
            let prefixBytes = self.prefix.utf8
            let suffixBytes = suffix.utf8
            guard bytes.count > prefixBytes.count + suffixBytes.count,
                bytes.prefix(prefixBytes.count).elementsEqual(prefixBytes),
                bytes.suffix(suffixBytes.count).elementsEqual(suffixBytes)
            else { return nil }
            let start = bytes.index(bytes.startIndex, offsetBy: prefixBytes.count)
            let end = bytes.index(bytes.endIndex, offsetBy: -suffixBytes.count)
            return Substring(bytes[start..<end])
        }
    }

    let interfacePatterns: [Pattern]
    let statePatterns: [Pattern]

    /// Templates without `{agent}` are ignored (they could never name an agent).
    public init(configuration: CallCenterConfiguration) {
        self.interfacePatterns = configuration.agentInterfaceTemplates.compactMap(Pattern.init(template:))
        self.statePatterns = configuration.stateInterfaceTemplates.compactMap(Pattern.init(template:))
    }

    /// The agent of a queue member: by its interface, else by its state interface, else the
    /// interface itself (so members configured outside the templates still show up).
    public func agent(interface: String, stateInterface: String?) -> String? {
        if let id = self.agent(interface: interface) { return id }
        if let state = stateInterface, let id = self.agent(stateInterface: state) { return id }
        return interface.isEmpty ? nil : interface
    }

    /// The agent named by a member interface such as `Local/147@agents/n`.
    public func agent(interface: String) -> String? {
        let name = Substring(interface)
        for pattern in self.interfacePatterns {
            if let id = pattern.match(name, suffix: pattern.suffix) { return String(id) }
        }
        return nil
    }

    /// The agent named by a state interface such as `Custom:147`.
    public func agent(stateInterface: String) -> String? {
        let name = Substring(stateInterface)
        for pattern in self.statePatterns {
            if let id = pattern.match(name, suffix: pattern.suffix) { return String(id) }
        }
        return nil
    }

    /// The agent of an ExtensionStatus: its hint (`Custom:147`, or several devices joined by
    /// `&`) through the state and interface templates, else the extension number.
    public func agent(hint: String?, exten: String?) -> String? {
        if let hint, !hint.isEmpty {
            for device in hint.split(separator: "&") {
                for pattern in self.statePatterns {
                    if let id = pattern.match(device, suffix: pattern.suffix) { return String(id) }
                }
                for pattern in self.interfacePatterns {
                    if let id = pattern.match(device, suffix: pattern.suffix) { return String(id) }
                }
            }
        }
        guard let exten, !exten.isEmpty else { return nil }
        return exten
    }

    /// True for a channel the model follows from its Newchannel to its Hangup: an agent's own
    /// channel, except the `;2` half of a Local channel. That half is the same call seen from
    /// the agent's side of the Local channel; the model learns it, like any other party, from
    /// the bridge it is in. Event filters pass the channel events of exactly these names
    /// (``channelNameShapes``), which keeps most of a call's traffic away.
    public func tracks(channel: String) -> Bool {
        !channel.hasSuffix(";2") && self.agent(channel: channel) != nil
    }

    /// How the names of an agent's channels are built, one shape per template.
    public struct ChannelNameShape: Sendable, Hashable {
        /// What comes before the agent id (`Local/`, `PJSIP/`).
        public let prefix: String
        /// What follows it (`@agents`); then Asterisk may append `-<hex>` and `;<n>`.
        public let suffix: String
    }

    /// The shapes ``agent(channel:)`` recognises, interface templates first, each once: what
    /// a filter must describe to pass the events of the tracked channels.
    public var channelNameShapes: [ChannelNameShape] {
        var shapes: [ChannelNameShape] = []
        for pattern in self.interfacePatterns + self.statePatterns {
            let shape = ChannelNameShape(prefix: pattern.prefix, suffix: pattern.channelSuffix)
            if !shapes.contains(shape) { shapes.append(shape) }
        }
        return shapes
    }

    /// The agent owning a live channel: `Local/147@agents-0000004f;1` and
    /// `PJSIP/147-00000012` lose their `;n` and `-<hex>` tails before template matching.
    public func agent(channel: String) -> String? {
        var name = Substring(channel)
        if let semicolon = name.lastIndex(of: ";"),
            name[name.index(after: semicolon)...].allSatisfy({ $0.isASCII && $0.isNumber })
        {
            name = name[..<semicolon]
        }
        if let dash = name.lastIndex(of: "-") {
            let tail = name[name.index(after: dash)...]
            if !tail.isEmpty, tail.allSatisfy(\.isHexDigit) {
                name = name[..<dash]
            }
        }
        for pattern in self.interfacePatterns {
            if let id = pattern.match(name, suffix: pattern.channelSuffix) { return String(id) }
        }
        for pattern in self.statePatterns {
            if let id = pattern.match(name, suffix: pattern.channelSuffix) { return String(id) }
        }
        return nil
    }
}
