import PBXCore

/// Asterisk's device states (AST_DEVICE_*), as the `Status` of queue members and the `State`
/// text of DeviceStateChange.
public enum DeviceState: Int, Sendable, Hashable, CaseIterable {
    case unknown = 0
    case notInUse = 1
    case inUse = 2
    case busy = 3
    case invalid = 4
    case unavailable = 5
    case ringing = 6
    case ringInUse = 7
    case onHold = 8

    /// The text DeviceStateChange and `DEVICE_STATE()` use.
    public var text: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .notInUse: "NOT_INUSE"
        case .inUse: "INUSE"
        case .busy: "BUSY"
        case .invalid: "INVALID"
        case .unavailable: "UNAVAILABLE"
        case .ringing: "RINGING"
        case .ringInUse: "RINGINUSE"
        case .onHold: "ONHOLD"
        }
    }

    /// Parses `DEVICE_STATE()` values (case-insensitive).
    public init?(text: String) {
        guard let match = Self.allCases.first(where: { $0.text.caseInsensitiveEquals(text) }) else { return nil }
        self = match
    }

    /// The hint's extension state (ExtensionStatus `Status`, `StatusText`), as
    /// `ast_devstate_to_extenstate` maps it.
    var extensionState: (code: Int, text: String) {
        switch self {
        case .notInUse, .unknown: (0, "Idle")
        case .inUse: (1, "InUse")
        case .busy: (2, "Busy")
        case .invalid, .unavailable: (4, "Unavailable")
        case .ringing: (8, "Ringing")
        case .ringInUse: (9, "InUse&Ringing")
        case .onHold: (16, "Hold")
        }
    }
}
