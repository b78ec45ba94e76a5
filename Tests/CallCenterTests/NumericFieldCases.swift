import AMI
import CallCenter
import Testing

/// Every numeric header the reducer reads, with the packet that carries it and how to tell that
/// the rest of that packet was applied. Enumerated from the reducer's parses (`number`,
/// `decimal`, the status codes and the Linkedid's start time).
struct NumericField: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable {
        /// A count, seconds or a position: 0…Int32.max.
        case count
        /// A penalty: any Int32.
        case signed32
        /// Unix seconds up to the end of year 9999.
        case epochSeconds
        /// A percentage with an optional fraction.
        case percent
        /// A status code: refused values become `unknown` and land in `unknownCodes`.
        case statusCode
        /// The seconds of a Linkedid (`<seconds>.<sequence>`): the call's start time.
        case linkedID
    }

    var event: String
    var field: String
    var kind: Kind
    /// The packet with `value` in the field (for a Linkedid, as its seconds).
    var packet: @Sendable (String) -> AMIMessage
    /// What the model made of the field, from the state or the packet's events; nil when it
    /// cannot be seen there (an event-only field after a snapshot, which emits no events).
    var observe: @Sendable (_ state: CallCenterState, _ events: [CallCenterEvent]) -> String?
    /// What `observe` shows when the field is refused: the value known before, or the default.
    var kept: String
    /// Whether the rest of the packet reached the state.
    var stateRest: @Sendable (_ state: CallCenterState) -> Bool
    /// Whether the rest of the packet reached its events (nil: it emits none).
    var eventRest: (@Sendable (_ events: [CallCenterEvent]) -> Bool)? = nil

    var testDescription: String { "\(self.event).\(self.field)" }

    /// A good value of the field, different from what the base state holds.
    var goodValue: String {
        switch self.kind {
        case .count, .signed32: "42"
        case .epochSeconds, .linkedID: "1800000000"
        case .percent: "87.5"
        case .statusCode: "2"
        }
    }

    /// Values no field accepts: 64-bit and longer numbers, floats where integers go, signs on
    /// zero, spaces, exponents, NaN, other digits and other notations.
    static let hostile = [
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1e308", "-0", "NaN", " 12", "12abc",
        "+12", "0x1F", "１２", "12 ", "inf", "-inf", "1_000", "٣", "--1", "1-", ".", "12\u{0}", "1.5e2",
        String(repeating: "9", count: 400),
    ]

    /// The hostile values plus the values just outside this field's range.
    var refused: [String] {
        var values = Self.hostile
        switch self.kind {
        case .count: values += ["2147483648", "-1", "12.5", ""]
        case .signed32: values += ["2147483648", "-2147483649", "12.5", ""]
        case .epochSeconds: values += ["253402300800", "-1", "12.5", ""]
        case .percent: values += ["100.1", "-1", "1.", ".5", "1.2.3", ""]
        case .statusCode: values += ["2147483648", "-2147483649", "12.5"]
        case .linkedID:
            // The seconds end at the first dot after the last dash: `--1.1` and `1.5e2.1` are
            // valid Linkedids (system name `-`, one second past the epoch).
            values.removeAll { $0 == "--1" || $0 == "1.5e2" }
            values += ["253402300800", "0", ""]
        }
        return values
    }

    /// The extremes of this field's range, which must be accepted.
    var extremes: [String] {
        switch self.kind {
        case .count: ["0", "2147483647"]
        case .signed32: ["-2147483648", "2147483647"]
        case .epochSeconds: ["0", "253402300799"]
        case .percent: ["0", "100", "100.0", "0.0"]
        case .statusCode: ["0", "1"]
        case .linkedID: ["1", "253402300799"]
        }
    }
}

/// The packets and base state the numeric-field tests share.
enum NumericFieldCases {
    static let t0 = CallCenterTime(millisecondsSinceEpoch: 1_790_000_000_000)
    static let memberEvents = [
        "QueueMember", "QueueMemberAdded", "QueueMemberStatus", "QueueMemberPause", "QueueMemberPenalty",
        "QueueMemberRinginuse",
    ]
    static let channelEvents = [
        "Newchannel", "NewCallerid", "NewConnectedLine", "CoreShowChannel", "BridgeEnter", "BridgeLeave",
    ]
    static let agentChannel = "Local/147@agents-0001;1"

    /// Agent 147 in q1 (penalty 3, 7 calls, last call at 1700000000), q1's statistics (5
    /// completed, 2 abandoned, hold 10 s, talk 20 s, 50 %) and a caller `1.1` bridged with
    /// the agent's channel `1.2`.
    static let base: [AMIMessage] = [
        Packets.member(
            "QueueMember", queue: "q1", agent: "147", name: "Alice", penalty: "3", callsTaken: "7",
            lastCall: "1700000000"),
        Packets.event(
            "QueueParams",
            [
                ("Queue", "q1"), ("Max", "0"), ("Strategy", "ringall"), ("Calls", "0"), ("Holdtime", "10"),
                ("TalkTime", "20"), ("Completed", "5"), ("Abandoned", "2"), ("ServiceLevel", "60"),
                ("ServicelevelPerf", "50.0"), ("ServicelevelPerf2", "50.0"), ("Weight", "0"),
            ]),
        Packets.event(
            "Newchannel",
            [
                ("Channel", "PJSIP/caller-0001"), ("Uniqueid", "1.1"), ("Linkedid", "1700000000.1"),
                ("CallerIDNum", "555"),
            ]
        ),
        Packets.event(
            "BridgeEnter",
            [
                ("Channel", agentChannel), ("Uniqueid", "1.2"), ("Linkedid", "1700000000.1"), ("CallerIDNum", "147"),
                ("BridgeUniqueid", "b1"),
            ]),
        Packets.event(
            "BridgeEnter",
            [
                ("Channel", "PJSIP/caller-0001"), ("Uniqueid", "1.1"), ("Linkedid", "1700000000.1"),
                ("CallerIDNum", "555"), ("BridgeUniqueid", "b1"),
            ]),
    ]

    /// The packet `message` with `field` set to `value` (replaced in place, or appended).
    static func setting(_ message: AMIMessage, _ field: String, to value: String) -> AMIMessage {
        var fields = message.fields
        if let index = fields.firstIndex(where: { $0.key == field }) {
            fields[index] = AMIField(field, value)
        } else {
            fields.append(AMIField(field, value))
        }
        return AMIMessage(fields: fields)
    }

    static func member(_ state: CallCenterState) -> QueueMemberStatusValue? {
        guard case .queueMemberStatus(let value)? = state.view[.agentQueueMemberStatus(agent: "147", queue: "q1")]
        else { return nil }
        return value
    }

    static func stats(_ state: CallCenterState) -> QueueStatsValue? {
        guard case .queueStats(let value)? = state.view[.queueStats(queue: "q1")] else { return nil }
        return value
    }

    static func phone(_ state: CallCenterState) -> PhoneNumberValue? {
        guard case .phoneNumber(let value)? = state.view[.agentPhoneNumber(agent: "147")] else { return nil }
        return value
    }

    static func name(_ state: CallCenterState) -> String? {
        guard case .name(let value)? = state.view[.agentName(agent: "147")] else { return nil }
        return value.name
    }
}
