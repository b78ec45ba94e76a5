/// Maps Asterisk's numeric state codes to contract statuses.
///
/// Always by number, never by `StatusText`/`State` text: the text differs between event and
/// list forms (`NOT_INUSE` vs `NOT IN USE`) and between versions.
public enum StatusCodes {
    /// What an ExtensionStatus `Status` means for the agent's extension.
    public enum ExtensionMapping: Sendable, Hashable {
        /// The hint or extension was removed (-1, -2): the topic is cleared.
        case removed
        case status(AgentStatus)
        /// A code this version does not know: published as `unknown` and reported once.
        case unrecognized
    }

    /// ExtensionStatus `Status` (AST_EXTENSION_* bit set): 0 not_inuse, 1 inuse, 2 busy,
    /// 4 unavailable, 8 ringing, 9 inuse+ringing → ringinuse, 16 onhold, 17 inuse+onhold →
    /// onhold; -1/-2 removed.
    public static func extensionStatus(_ code: Int) -> ExtensionMapping {
        switch code {
        case -2, -1: .removed
        case 0: .status(.notInUse)
        case 1: .status(.inUse)
        case 2: .status(.busy)
        case 4: .status(.unavailable)
        case 8: .status(.ringing)
        case 9: .status(.ringInUse)
        case 16, 17: .status(.onHold)
        default: .unrecognized
        }
    }

    /// Queue member `Status` (AST_DEVICE_*): 0 unknown, 1 not_inuse, 2 inuse, 3 busy,
    /// 4 invalid → unavailable (the device does not exist, so nobody can take a call; this is
    /// also how Asterisk folds INVALID into ExtensionStatus 4), 5 unavailable, 6 ringing,
    /// 7 ringinuse, 8 onhold. Nil for codes outside 0–8.
    public static func deviceStatus(_ code: Int) -> AgentStatus? {
        switch code {
        case 0: .unknown
        case 1: .notInUse
        case 2: .inUse
        case 3: .busy
        case 4, 5: .unavailable
        case 6: .ringing
        case 7: .ringInUse
        case 8: .onHold
        default: nil
        }
    }
}
