import CallCenter

/// The events the bridge asks Asterisk for, as legacy `Filter` regexes.
///
/// Asterisk sends every event of the user's read classes unless the session filters them, and
/// most of them (VarSet, Newexten, DeviceStateChange, DialState…) mean nothing to the model:
/// on real Asterisk 22 traffic these filters cut the bytes received to under a third. The
/// regexes derive from ``events`` (the model's streamed events plus ``BridgeEvent``), so a
/// newly handled event is asked for without touching this file; deploy/manager.conf carries
/// the same regexes as `eventfilter` lines, and a test keeps the two identical.
public enum AMIEventFilter {
    /// Every event name the filters let through: the model's streamed events, then the
    /// bridge's own, each once (`ParkedCall` is both the model's and the park command's).
    public static let events: [String] = {
        var seen: Set<String> = []
        return (ModelEvent.streamed.map(\.rawValue) + BridgeEvent.allCases.map(\.rawValue)).filter {
            seen.insert($0).inserted
        }
    }()

    /// The `Filter` regexes, each an alternation of whole event names.
    ///
    /// A regex is matched against the whole event text, so each names the `Event:` header,
    /// and a name is closed by `[^A-Za-z]` so that `Hangup` does not also take
    /// `HangupRequest`. Names are packed into regexes of at most ``maximumAlternationLength``
    /// characters of alternation: short enough to read in manager.conf and far below the
    /// 1024-byte line limit of an AMI action.
    public static let regexes: [String] = Self.regexes(for: Self.events)

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
        return groups.map { "Event: (" + $0.joined(separator: "|") + ")[^A-Za-z]" }
    }
}
