/// What the reducer met but could not use, so the bridge can log each kind once instead of
/// the reducer logging (it has no logger) or crashing.
public struct CallCenterDiagnostics: Sendable, Hashable {
    /// Status codes outside the documented sets, as `"<Event>.<Field>=<value>"` (the value cut
    /// to ``sampleLength`` characters, so that a hostile peer cannot grow the set's memory).
    public var unknownCodes: Set<String> = []
    /// How many relevant events lacked a field they need (or carried an empty id) and were
    /// skipped.
    public var malformedEvents: Int = 0
    /// The name of the last such event and the missing field, as `"<Event>.<Field>"`.
    public var lastMalformed: String?
    /// How many numeric fields were refused: not a number as Asterisk prints it, or outside
    /// the range the field can take (a 20-digit `Wait`). The rest of each event was applied.
    public var rejectedNumbers: Int = 0
    /// Each refused numeric field, `"<Event>.<Field>"`, with the first value refused there
    /// (cut to ``sampleLength`` characters). Bounded: the model reads a fixed set of fields.
    public var rejectedNumberFields: [String: String] = [:]

    /// How much of a peer's value a diagnostic keeps.
    public static let sampleLength = 64

    public init() {}
}
