/// The events the bridge asks Asterisk for, as legacy `Filter` regexes.
///
/// Asterisk sends every event of the user's read classes unless the session filters them, and
/// most of them (VarSet, Newexten, DeviceStateChange, DialState…) mean nothing to the model:
/// on real Asterisk 22 traffic these filters cut the bytes received to under a tenth. The
/// regexes are matched against the whole event text, so each names the `Event:` header; a
/// name is closed by `[^A-Za-z]` so that `Hangup` does not also take `HangupRequest`.
public enum AMIEventFilter {
    public static let regexes: [String] = [
        "Event: (QueueMember|QueueCaller|Agent)[A-Za-z]+",
        "Event: (ExtensionStatus|Newchannel|NewCallerid|NewConnectedLine|BridgeEnter|BridgeLeave|Hangup|Hold|Unhold)[^A-Za-z]",
        "Event: (OriginateResponse|ParkedCall|Shutdown)[^A-Za-z]",
    ]
}
