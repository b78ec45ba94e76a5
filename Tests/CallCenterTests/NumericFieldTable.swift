import AMI
import CallCenter

/// The table of every numeric field the reducer reads (see `NumericField`).
extension NumericFieldCases {
    static let fields: [NumericField] =
        memberFields + queueParamsFields + queueCallFields + agentFields + extensionFields + linkedIDFields

    // MARK: Queue members (every member event reads the same fields)

    static let memberFields: [NumericField] = memberEvents.flatMap { event in
        let good: [String: String] = ["Penalty": "4", "CallsTaken": "8", "LastCall": "1700000100", "Status": "2"]
        let observed: [String: @Sendable (QueueMemberStatusValue) -> String] = [
            "Penalty": { "\($0.penalty)" }, "CallsTaken": { "\($0.callsTaken)" },
            "LastCall": { $0.lastCall.map { "\($0.millisecondsSinceEpoch / 1000)" } ?? "never" },
            "Status": { $0.status.rawValue },
        ]
        let kept = ["Penalty": "3", "CallsTaken": "7", "LastCall": "1700000000", "Status": "unknown"]
        let kinds: [String: NumericField.Kind] = [
            "Penalty": .signed32, "CallsTaken": .count, "LastCall": .epochSeconds, "Status": .statusCode,
        ]
        return ["Penalty", "CallsTaken", "LastCall", "Status"].map { field in
            let read = observed[field] ?? { _ in "" }
            return NumericField(
                event: event, field: field, kind: kinds[field] ?? .count,
                packet: { value in
                    setting(
                        Packets.member(
                            event, queue: "q1", agent: "147", name: "Bob", status: "2", penalty: "4", callsTaken: "8",
                            lastCall: "1700000100"), field, to: value)
                },
                observe: { state, _ in member(state).map(read) },
                kept: kept[field] ?? "",
                stateRest: { state in
                    guard let value = member(state), name(state) == "Bob" else { return false }
                    return observed.allSatisfy { other, read in
                        other == field || read(value) == (other == "Status" ? "inuse" : good[other])
                    }
                }
            )
        }
    }

    // MARK: Queue statistics

    static let queueParamsFields: [NumericField] = {
        let fresh = [
            "Completed": "6", "Abandoned": "3", "Holdtime": "11", "TalkTime": "21", "ServicelevelPerf": "60.0",
        ]
        let kept = ["Completed": "5", "Abandoned": "2", "Holdtime": "10", "TalkTime": "20", "ServicelevelPerf": "50.0"]
        let observed: [String: @Sendable (QueueStatsValue) -> String] = [
            "Completed": { "\($0.completed)" }, "Abandoned": { "\($0.abandoned)" }, "Holdtime": { "\($0.holdTime)" },
            "TalkTime": { "\($0.talkTime)" }, "ServicelevelPerf": { "\($0.serviceLevel)" },
        ]
        return ["Completed", "Abandoned", "Holdtime", "TalkTime", "ServicelevelPerf"].map { field in
            let read = observed[field] ?? { _ in "" }
            return NumericField(
                event: "QueueParams", field: field, kind: field == "ServicelevelPerf" ? .percent : .count,
                packet: { value in
                    var pairs = [("Queue", "q1"), ("Max", "0"), ("Strategy", "ringall"), ("Calls", "0")]
                    pairs += fresh.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                    return setting(Packets.event("QueueParams", pairs), field, to: value)
                },
                observe: { state, _ in stats(state).map(read) },
                kept: kept[field] ?? "",
                stateRest: { state in
                    guard let value = stats(state) else { return false }
                    return observed.allSatisfy { other, read in other == field || read(value) == fresh[other] }
                }
            )
        }
    }()

    // MARK: Waiting and abandoning callers

    static let queueCallFields: [NumericField] =
        [
            NumericField(
                event: "QueueEntry", field: "Wait", kind: .count,
                packet: { value in
                    Packets.event(
                        "QueueEntry",
                        [
                            ("Queue", "q1"), ("Position", "1"), ("Uniqueid", "1.1"), ("CallerIDNum", "555"),
                            ("Wait", value),
                        ])
                },
                observe: { state, _ in
                    state.oldestWaitingCallerJoined(queue: "q1").map {
                        "\((t0.millisecondsSinceEpoch - $0.millisecondsSinceEpoch) / 1000)"
                    }
                },
                kept: "0",
                stateRest: { state in
                    state.view[.queueCount(queue: "q1")] == .queueCount(QueueCountValue(queue: "q1", count: 1))
                        && phone(state)?.queue == "q1"
                }
            )
        ]
        + ["Position", "HoldTime"].map { field in
            NumericField(
                event: "QueueCallerAbandon", field: field, kind: .count,
                packet: { value in
                    setting(
                        Packets.event(
                            "QueueCallerAbandon",
                            [
                                ("Queue", "q1"), ("Uniqueid", "1.1"), ("Position", "2"), ("OriginalPosition", "1"),
                                ("HoldTime", "30"),
                            ]),
                        field, to: value)
                },
                observe: { _, events in
                    guard case .callerAbandon(let event)? = events.first else { return nil }
                    return field == "Position" ? "\(event.position)" : "\(event.holdTime)"
                },
                kept: "0",
                stateRest: { state in stats(state)?.abandoned == 3 },
                eventRest: { events in
                    guard case .callerAbandon(let event)? = events.first else { return false }
                    return event.queue == "q1" && event.uniqueId == "1.1"
                        && (field == "Position" ? event.holdTime == 30 : event.position == 2)
                }
            )
        }

    // MARK: Agent* events of queue calls

    static let agentFields: [NumericField] =
        [
            NumericField(
                event: "AgentConnect", field: "HoldTime", kind: .count,
                packet: { value in
                    Packets.event(
                        "AgentConnect",
                        [
                            ("Queue", "q1"), ("Uniqueid", "1.1"), ("Interface", "Local/147@agents/n"),
                            ("MemberName", "Alice"),
                            ("HoldTime", value), ("RingTime", "5"),
                        ])
                },
                observe: { state, _ in stats(state).map { "\($0.holdTime)" } },
                kept: "10",
                stateRest: { state in phone(state)?.queue == "q1" }
            )
        ]
        + ["TalkTime", "HoldTime"].map { field in
            NumericField(
                event: "AgentComplete", field: field, kind: .count,
                packet: { value in
                    setting(
                        Packets.event(
                            "AgentComplete",
                            [
                                ("Queue", "q1"), ("Uniqueid", "1.1"), ("Interface", "Local/147@agents/n"),
                                ("MemberName", "Alice"), ("HoldTime", "12"), ("TalkTime", "40"), ("Reason", "agent"),
                            ]),
                        field, to: value)
                },
                observe: { state, events in
                    guard case .agentComplete(let event)? = events.first else { return nil }
                    let average = stats(state).map { "\($0.talkTime)" } ?? "?"
                    return field == "TalkTime" ? "\(average)/\(event.talkTime)" : "\(event.holdTime)"
                },
                kept: field == "TalkTime" ? "20/0" : "0",
                stateRest: { state in
                    stats(state)?.completed == 6 && (field == "TalkTime" || stats(state)?.talkTime == (20 * 3 + 40) / 4)
                },
                eventRest: { events in
                    guard case .agentComplete(let event)? = events.first else { return false }
                    return event.agent == "147" && event.reason == "agent"
                        && (field == "TalkTime" ? event.holdTime == 12 : event.talkTime == 40)
                }
            )
        }

    // MARK: Extension states

    static let extensionFields: [NumericField] = [
        NumericField(
            event: "ExtensionStatus", field: "Status", kind: .statusCode,
            packet: { value in Packets.extensionStatus(agent: "147", status: value) },
            observe: { state, _ in
                guard case .extensionStatus(let value)? = state.view[.agentExtensionStatus(agent: "147")] else {
                    return nil
                }
                return value.status.rawValue
            },
            kept: "unknown",
            stateRest: { state in state.view[.agentExtensionStatus(agent: "147")] != nil }
        )
    ]

    // MARK: Channels: the Linkedid's seconds are the call's start time

    static let linkedIDFields: [NumericField] = channelEvents.map { event in
        NumericField(
            event: event, field: "Linkedid", kind: .linkedID,
            packet: { value in
                Packets.event(
                    event,
                    [
                        ("Channel", agentChannel), ("Uniqueid", "1.2"), ("Linkedid", "\(value).1"),
                        ("CallerIDNum", "147"),
                        ("ConnectedLineNum", "777"), ("BridgeUniqueid", event == "BridgeLeave" ? "b9" : "b1"),
                        ("BridgeId", "b1"),
                    ])
            },
            observe: { state, _ in
                phone(state).map { $0.startTime.map { "\($0.millisecondsSinceEpoch / 1000)" } ?? "none" }
            },
            kept: "none",
            stateRest: { state in phone(state)?.number == "777" }
        )
    }
}
