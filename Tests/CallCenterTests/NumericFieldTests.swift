import AMI
import CallCenter
import PBXTestSupport
import Testing

/// Every numeric header the model reads is parsed into a bounded range: a hostile value is
/// refused and counted, the rest of its event applies, and nothing traps, whether the packet
/// arrives as a live event or as a state-list item of a resync.
@Suite struct NumericFieldTests {
    typealias Cases = NumericFieldCases

    /// The base state built event by event.
    static func applied() -> CallCenterState {
        var state = CallCenterState()
        for message in Cases.base { _ = state.apply(message, at: Cases.t0) }
        return state
    }

    static func events(_ changes: [CallCenterChange]) -> [CallCenterEvent] {
        changes.compactMap { change in
            if case .event(let event) = change { return event }
            return nil
        }
    }

    /// What the diagnostics keep of `value` (cut to the sample length).
    static func sample(_ value: String) -> String {
        guard value.utf8.count > CallCenterDiagnostics.sampleLength else { return value }
        return String(value.prefix(CallCenterDiagnostics.sampleLength)) + "…"
    }

    /// Checks that `value` was refused and counted in `field`, and the rest applied.
    static func expectRefused(
        _ field: NumericField, _ value: String, _ state: CallCenterState, events: [CallCenterEvent]?
    ) {
        let label = "\(field.testDescription) = \(value.debugDescription)"
        if field.kind == .statusCode {
            #expect(state.diagnostics.unknownCodes.contains("\(field.event).Status=\(Self.sample(value))"), "\(label)")
            #expect(state.diagnostics.rejectedNumbers == 0, "\(label)")
        } else {
            let raw = field.kind == .linkedID ? "\(value).1" : value
            #expect(state.diagnostics.rejectedNumbers == 1, "\(label)")
            #expect(
                state.diagnostics.rejectedNumberFields == ["\(field.event).\(field.field)": Self.sample(raw)],
                "\(label)")
        }
        #expect(state.diagnostics.malformedEvents == 0, "\(label)")
        let observed = field.observe(state, events ?? [])
        if events != nil {
            #expect(observed == field.kept, "\(label): kept what it knew")
        } else if let observed {
            #expect(observed == field.kept, "\(label): kept what it knew")
        }
        #expect(field.stateRest(state), "\(label): the rest of the packet applied")
        if let events, let eventRest = field.eventRest {
            #expect(eventRest(events), "\(label): the rest of the event published")
        }
    }

    /// Should refuse every hostile or out-of-range value of each numeric field applied as a
    /// live event, count it, keep what it knew and apply the rest of the event.
    @Test(arguments: Cases.fields)
    func refusesThroughApply(field: NumericField) {
        for value in field.refused {
            var state = Self.applied()
            let changes = state.apply(field.packet(value), at: Cases.t0)
            Self.expectRefused(field, value, state, events: Self.events(changes))
        }
    }

    /// Should refuse the same values arriving as state-list items of a snapshot, and diff
    /// against the previous model without trapping.
    @Test(arguments: Cases.fields)
    func refusesThroughSnapshot(field: NumericField) {
        let previous = Self.applied()
        for value in field.refused {
            let snapshot = CallCenterState.snapshot(
                configuration: CallCenterConfiguration(), items: Cases.base + [field.packet(value)], at: Cases.t0,
                previous: previous)
            Self.expectRefused(field, value, snapshot, events: nil)
            let diff = previous.diff(to: snapshot, at: Cases.t0)
            var view = previous.view
            CallCenterChange.apply(diff, to: &view)
            #expect(
                view == snapshot.view, "\(field.testDescription) = \(value.debugDescription): diff rebuilds the view")
        }
    }

    /// Should accept a good value and both ends of each field's range without counting any.
    @Test(arguments: Cases.fields)
    func acceptsGoodAndExtremeValues(field: NumericField) {
        for value in [field.goodValue] + field.extremes {
            var state = Self.applied()
            let changes = state.apply(field.packet(value), at: Cases.t0)
            let label = "\(field.testDescription) = \(value)"
            #expect(state.diagnostics.rejectedNumbers == 0, "\(label)")
            #expect(state.diagnostics.unknownCodes.isEmpty, "\(label)")
            #expect(field.stateRest(state), "\(label)")
            if value == field.goodValue {
                #expect(field.observe(state, Self.events(changes)) != field.kept, "\(label): the value was used")
            }
        }
    }

    /// Should hold counters and running averages at Asterisk's `int` limit when events keep
    /// adding to values that are already there (saturation, neither trap nor wrap).
    @Test func countersAndAveragesSaturate() throws {
        var state = CallCenterState()
        let limit = "2147483647"
        _ = state.apply(
            Packets.event(
                "QueueParams",
                [("Queue", "q1"), ("Completed", limit), ("Abandoned", limit), ("Holdtime", limit), ("TalkTime", limit)]),
            at: Cases.t0)
        for _ in 0..<3 {
            _ = state.apply(
                Packets.event(
                    "AgentConnect", [("Queue", "q1"), ("Interface", "Local/147@agents/n"), ("HoldTime", limit)]),
                at: Cases.t0)
            _ = state.apply(
                Packets.event(
                    "AgentComplete",
                    [("Queue", "q1"), ("Interface", "Local/147@agents/n"), ("TalkTime", limit), ("HoldTime", limit)]),
                at: Cases.t0)
            _ = state.apply(Packets.event("QueueCallerAbandon", [("Queue", "q1"), ("Uniqueid", "9.9")]), at: Cases.t0)
        }
        let stats = try #require(Cases.stats(state))
        #expect(stats.completed == Int(Int32.max))
        #expect(stats.abandoned == Int(Int32.max))
        #expect(stats.holdTime == Int(Int32.max))
        #expect(stats.talkTime == Int(Int32.max))
        #expect(state.diagnostics.rejectedNumbers == 0)
    }

    /// Should measure the longest wait without overflow when one caller waited the longest
    /// `Wait` there is at the earliest time there is and the next joins at the latest.
    @Test func longestWaitNeverOverflows() throws {
        var state = CallCenterState()
        let earliest = CallCenterTime(millisecondsSinceEpoch: .min)
        _ = state.apply(
            Packets.event("QueueEntry", [("Queue", "q1"), ("Uniqueid", "1.1"), ("Wait", "2147483647")]), at: earliest)
        #expect(state.oldestWaitingCallerJoined(queue: "q1") == earliest)
        _ = state.apply(
            Packets.event("QueueCallerJoin", [("Queue", "q1"), ("Uniqueid", "1.2")]),
            at: CallCenterTime(millisecondsSinceEpoch: .max))
        let stats = try #require(Cases.stats(state))
        #expect(stats.longestWaitSeconds == Int(Int64.max / 1000))
        #expect(stats.waiting == 2)
    }

    /// Should accept every numeric value of the real Asterisk transcripts: the bounds refuse
    /// only what Asterisk never sends.
    @Test(arguments: try Fixtures.transcriptNames() + Fixtures.callFeatureTranscriptNames())
    func realTranscriptsHaveNoRefusedNumbers(name: String) throws {
        var state = CallCenterState()
        for message in try decodeAMIMessages(try Fixtures.bytes(name)) {
            _ = state.apply(message, at: Cases.t0)
        }
        #expect(state.diagnostics.rejectedNumbers == 0, "\(state.diagnostics.rejectedNumberFields)")
    }
}
