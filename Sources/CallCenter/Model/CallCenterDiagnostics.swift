/// What the reducer met but could not use, so the bridge can log each kind once instead of
/// the reducer logging (it has no logger) or crashing.
public struct CallCenterDiagnostics: Sendable, Hashable {
    /// Status codes outside the documented sets, as `"<Event>.<Field>=<value>"`.
    public var unknownCodes: Set<String> = []
    /// How many relevant events lacked a field they need (or carried an empty id) and were
    /// skipped.
    public var malformedEvents: Int = 0
    /// The name of the last such event and the missing field, as `"<Event>.<Field>"`.
    public var lastMalformed: String?

    public init() {}
}
