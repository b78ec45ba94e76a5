import AMI
import CallCenter

/// The events the bridge asks Asterisk for, as legacy `Filter` regexes.
///
/// Asterisk sends every event of the user's read classes unless the session filters them, and
/// most of them (VarSet, Newexten, DialState, the DeviceStateChange of every device but the
/// do-not-disturb ones…) mean nothing to the model.
/// The channel events of a call are most of the rest, and the model needs them only for the
/// agents' own channels (``ModelEvent/Scope``): on real Asterisk 22 traffic these filters cut
/// the bytes received to under 15 %. The regexes derive from ``events`` (the model's streamed
/// events plus ``BridgeEvent``) and the agent templates of the model's configuration, so a
/// newly handled event or template is asked for without touching this file;
/// deploy/manager.conf carries the regexes of the default templates as `eventfilter` lines,
/// and a test keeps the two identical.
///
/// Asterisk matches a legacy filter with POSIX `regexec` (extended syntax) against the whole
/// event text, every header line ending in CR LF. The regexes use no escape for those (POSIX
/// has none): `[^A-Za-z]` stands before a header name and `[[:space:]]` after a value.
public enum AMIEventFilter {
    /// Every event name the filters let through: the model's streamed events, then the
    /// bridge's own, each once (`ParkedCall` is both the model's and the park command's).
    public static let events: [String] = {
        var seen: Set<String> = []
        return (ModelEvent.streamed.map(\.rawValue) + BridgeEvent.allCases.map(\.rawValue)).filter {
            seen.insert($0).inserted
        }
    }()

    /// The `Filter` regexes for a model with `configuration`'s agent templates.
    ///
    /// First the events wanted whole, each regex an alternation of names closed by
    /// `[^A-Za-z]` (so `Hangup` does not also take `HangupRequest`), packed into at most
    /// ``maximumAlternationLength`` characters of alternation: short enough to read in
    /// manager.conf and far below the 1024-byte line limit of an AMI action. Then the channel
    /// events of the tracked channels, then the OriginateResponses of this client's actions.
    public static func regexes(for configuration: CallCenterConfiguration) -> [String] {
        var whole: [String] = []
        var tracked: [String] = []
        var answered: [String] = []
        var named: [String] = []
        for event in ModelEvent.streamed {
            switch event.scope {
            case .every: whole.append(event.rawValue)
            case .trackedChannels: tracked.append(event.rawValue)
            case .answeredTrackedChannels: answered.append(event.rawValue)
            case .dndDevices:
                if let regex = Self.dndDeviceRegex(event.rawValue, configuration.dndDeviceTemplate) {
                    named.append(regex)
                }
            case .astDBUserEvent:
                if let name = configuration.astDBUserEvent, !name.isEmpty {
                    named.append(
                        Self.eventAlternation([event.rawValue]) + ".*[^A-Za-z]UserEvent: " + Self.escaped(name)
                            + "[[:space:]]")
                }
            }
        }
        var ownActions: [String] = []
        for event in BridgeEvent.allCases {
            switch event.scope {
            case .every where !whole.contains(event.rawValue): whole.append(event.rawValue)
            case .every: break
            case .ownActions: ownActions.append(event.rawValue)
            }
        }
        var regexes = Self.regexes(for: whole) + named
        // No template names an agent: no channel is tracked, and no channel event is needed.
        if let channels = Self.channelAlternation(AgentIdentity(configuration: configuration).channelNameShapes) {
            if !tracked.isEmpty {
                regexes.append(Self.eventAlternation(tracked) + ".*[^A-Za-z]Channel: " + channels + "[[:space:]]")
            }
            if !answered.isEmpty {
                // Asterisk writes ChannelState right after Channel in every channel snapshot.
                regexes.append(
                    Self.eventAlternation(answered) + ".*[^A-Za-z]Channel: " + channels
                        + "[[:space:]]+ChannelState: 6[^0-9]")
            }
        }
        if !ownActions.isEmpty {
            regexes.append(
                Self.eventAlternation(ownActions) + ".*[^A-Za-z]ActionID: " + Self.escaped(AMIClient.actionIDPrefix))
        }
        return regexes
    }

    /// The same regexes as `eventfilter` lines for the user's section of manager.conf, for an
    /// Asterisk that refuses the Filter action. Asterisk's config files start a comment at a
    /// `;`, so each is written `\;` (the parser drops the backslash).
    public static func managerConfLines(for configuration: CallCenterConfiguration) -> [String] {
        Self.regexes(for: configuration).map { regex in
            "eventfilter = " + regex.split(separator: ";", omittingEmptySubsequences: false).joined(separator: "\\;")
        }
    }

    /// `event` of the devices `template` names (`Custom:DND{extension}`: `Device:
    /// Custom:DND` and at least one more character), or nil without a template (then the
    /// model reads no device state).
    static func dndDeviceRegex(_ event: String, _ template: String?) -> String? {
        guard let template, let range = template.firstRange(of: CallCenterConfiguration.extensionPlaceholder) else {
            return nil
        }
        return Self.eventAlternation([event]) + ".*[^A-Za-z]Device: "
            + Self.escaped(String(template[..<range.lowerBound]))
            + "[^[:space:]]+" + Self.escaped(String(template[range.upperBound...])) + "[[:space:]]"
    }

    /// The longest alternation (names and `|`) one regex holds.
    static let maximumAlternationLength = 100

    /// `Event: (A|B|…)[^A-Za-z]` regexes covering `names`, in order.
    static func regexes(for names: [String]) -> [String] {
        var groups: [[String]] = []
        var length = 0
        for name in names {
            if !groups.isEmpty, length + 1 + name.utf8.count <= Self.maximumAlternationLength {
                groups[groups.count - 1].append(name)
                length += 1 + name.utf8.count
            } else {
                groups.append([name])
                length = name.utf8.count
            }
        }
        return groups.map(Self.eventAlternation)
    }

    static func eventAlternation(_ names: [String]) -> String {
        "Event: (" + names.joined(separator: "|") + ")[^A-Za-z]"
    }

    /// One alternative per shape: the template's text around `[^[:space:]]+` (the agent id),
    /// then Asterisk's optional `-<hex>` and `;<n>` tails, except the `;2` that names the half
    /// of a Local channel the model does not track (``AgentIdentity/tracks(channel:)``).
    /// Nil without shapes.
    static func channelAlternation(_ shapes: [AgentIdentity.ChannelNameShape]) -> String? {
        guard !shapes.isEmpty else { return nil }
        let alternatives = shapes.map { shape in
            Self.escaped(shape.prefix) + "[^[:space:]]+" + Self.escaped(shape.suffix)
                + "(-[0-9A-Fa-f]+)?(;([013-9]|[0-9][0-9]+)?)?"
        }
        return "(" + alternatives.joined(separator: "|") + ")"
    }

    /// `text` as a POSIX extended regex matching it literally: each of its special characters
    /// behind a backslash (only those: POSIX leaves a backslash before any other undefined).
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\.[()*+?{|^$".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
