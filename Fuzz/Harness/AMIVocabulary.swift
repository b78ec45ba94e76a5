import CallCenter

/// What the AMI fuzzer's mutator writes: the headers the model reads per event, the numbers
/// that broke it before, and ids that make events refer to one another.
///
/// Plain byte mutation of real transcripts never put a 20-digit number into a `Wait` in a
/// million runs; writing whole `Key: value` lines from this vocabulary does so at once, in
/// every numeric field of every event the model reads.
package enum AMIVocabulary {
    /// The headers the reducer reads from `event`: `numeric` go through its number parsing,
    /// `text` are ids and names. The switch is exhaustive, so a new ``ModelEvent`` does not
    /// compile until the fuzzer knows its fields.
    package static func fields(of event: ModelEvent) -> (numeric: [String], text: [String]) {
        let member = [
            "Queue", "Interface", "Location", "StateInterface", "MemberName", "Name", "Paused", "PausedReason",
        ]
        let channel = [
            "Uniqueid", "Channel", "CallerIDNum", "CallerIDName", "ConnectedLineNum", "ConnectedLineName", "Linkedid",
        ]
        switch event {
        case .extensionStatus:
            return (["Status"], ["Exten", "Hint"])
        case .queueMember, .queueMemberAdded, .queueMemberStatus, .queueMemberPause, .queueMemberPenalty,
            .queueMemberRinginuse:
            return (["Status", "Penalty", "CallsTaken", "LastCall"], member)
        case .queueMemberRemoved:
            return ([], ["Queue", "Interface", "Location", "StateInterface"])
        case .queueParams:
            return (
                [
                    "Completed", "Abandoned", "Holdtime", "TalkTime", "ServicelevelPerf", "ServiceLevel",
                    "ServicelevelPerf2",
                ],
                ["Queue"]
            )
        case .queueSummary:
            return ([], ["Queue"])
        case .queueEntry:
            return (["Wait"], ["Queue", "Uniqueid"])
        case .queueCallerJoin, .queueCallerLeave:
            return ([], ["Queue", "Uniqueid"])
        case .queueCallerAbandon:
            return (["Position", "HoldTime"], ["Queue", "Uniqueid"])
        case .agentCalled:
            return ([], ["Queue", "Interface", "CallerIDNum", "CallerIDName", "Uniqueid"])
        case .agentConnect:
            return (["HoldTime"], ["Queue", "Uniqueid", "Interface"])
        case .agentComplete:
            return (["TalkTime", "HoldTime"], ["Queue", "Interface", "Uniqueid", "Reason"])
        case .newchannel, .newConnectedLine:
            return (["Linkedid"], channel)
        case .coreShowChannel:
            return (["Linkedid"], channel + ["Application", "ApplicationData", "BridgeId"])
        case .bridgeEnter, .bridgeLeave:
            return (["Linkedid"], channel + ["BridgeUniqueid"])
        case .hangup:
            return ([], ["Uniqueid", "Channel"])
        case .deviceStateChange:
            return ([], ["Device", "State"])
        case .userEvent:
            return ([], ["UserEvent", "Family", "Key", "Val"])
        case .dbGetTreeResponse:
            return ([], ["Key", "Val"])
        case .parkedCall:
            return (
                ["ParkingDuration", "ParkingTimeout"],
                [
                    "Parkinglot", "ParkingSpace", "ParkeeUniqueid", "ParkeeChannel", "ParkeeCallerIDNum",
                    "ParkeeCallerIDName", "ParkerDialString",
                ]
            )
        case .unParkedCall, .parkedCallTimeOut, .parkedCallGiveUp:
            return ([], ["Parkinglot", "ParkingSpace", "ParkeeUniqueid"])
        case .agentRingNoAnswer:
            return ([], ["Queue", "Interface", "Uniqueid", "Linkedid"])
        case .hold, .unhold:
            return ([], ["Uniqueid", "Linkedid", "Channel"])
        case .blindTransfer:
            return ([], ["Result", "TransfereeLinkedid", "TransfererLinkedid", "Extension"])
        case .attendedTransfer:
            return (
                [],
                [
                    "Result", "TransfereeLinkedid", "OrigTransfererLinkedid", "TransferTargetExten",
                    "TransferTargetChannel",
                ]
            )
        }
    }

    /// Every numeric header of any event, for inserting into packets of any kind.
    package static let numericFields: [String] = {
        var seen: Set<String> = []
        return ModelEvent.allCases.flatMap { Self.fields(of: $0).numeric }.filter { seen.insert($0).inserted }
    }()

    /// Every header the model reads.
    package static let allFields: [String] = {
        var seen: Set<String> = ["Event"]
        let fields = ModelEvent.allCases.flatMap { Self.fields(of: $0).numeric + Self.fields(of: $0).text }
        return ["Event"] + fields.filter { seen.insert($0).inserted }
    }()

    /// Numbers at and beyond every bound, and text that only looks like a number.
    package static let extremeNumbers = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999",
        "18446744073709551616", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296", "-1", "0",
        "-0", "1", "1e308", "-1e308", "1e-308", "NaN", "nan", "inf", "-inf", "Infinity", " 12", "12 ", "12abc", "+12",
        "0x7fffffff", "1.5", "100.0", "100.1", "0.0", "253402300799", "253402300800", "", "١٢",
        String(repeating: "9", count: 300),
    ]

    /// Ids that the packets share, so that events meet the members, queues and channels of
    /// earlier ones (and hostile ones that do not).
    package static let ids = [
        "q1", "q2", "Local/147@agents/n", "Local/148@agents/n", "Custom:147", "147", "148", "1.1", "1.2", "1.3",
        "1795618199.0", "b1", "b2", "PJSIP/147-00000001", "Local/147@agents-0001;1", "Local/147@agents-0001;2",
        "Queue", "q1,,,,", "<unknown>", "",
    ]

    /// Text values that are hard to carry: long, controls, quotes, non-ASCII.
    package static let hostileText = [
        String(repeating: "x", count: 2000), "\"quoted\\\"", "a/b+#", "\u{1}\u{7f}", "Zoë 🎧", "\u{2028}", "%s%n",
    ]
}
