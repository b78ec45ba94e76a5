/// A point in time, stamped by the caller when an AMI packet was received.
///
/// The reducer never reads a clock: the bridge stamps each packet on receipt and the tests
/// use synthetic times, which keeps every replay deterministic. Milliseconds since the Unix
/// epoch are precise enough for call-center figures and format to ISO 8601 in the bridge.
public struct CallCenterTime: Sendable, Hashable, Comparable, Codable {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Asterisk reports `LastCall` and similar fields in whole seconds since the epoch.
    /// Saturates at `Int64`'s limits instead of wrapping: a wrapped value would be a time
    /// before 1970, published as if it were true.
    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = Saturating.multiply(secondsSinceEpoch, 1000)
    }

    public static func < (lhs: CallCenterTime, rhs: CallCenterTime) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        self.millisecondsSinceEpoch = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.millisecondsSinceEpoch)
    }
}
