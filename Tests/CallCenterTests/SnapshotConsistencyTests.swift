import AMI
import CallCenter
import PBXTestSupport
import Testing

/// Property tests: the incrementally maintained view equals a view rebuilt from the state
/// lists, and diffs transform one view into another.
@Suite struct SnapshotConsistencyTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 1234, 99_991]

    /// Runs a random scenario, checking on every event that the emitted changes rebuild the
    /// state's own view, and returns the simulator and the states taken at a few points.
    static func run(
        seed: UInt64, steps: Int, configuration: CallCenterConfiguration = CallCenterConfiguration()
    ) -> (pbx: SimulatedPBX, state: CallCenterState, checkpoints: [CallCenterState], replayed: Bool) {
        var rng = SeededGenerator(seed: seed)
        var pbx = SimulatedPBX(agentCount: 6, queueCount: 3)
        var state = CallCenterState.snapshot(
            configuration: configuration, items: pbx.stateLists(),
            at: CallCenterTime(millisecondsSinceEpoch: pbx.milliseconds)
        )
        var view = state.view
        var replayed = true
        var checkpoints: [CallCenterState] = [state]
        for step in 0..<steps {
            for event in pbx.step(&rng) {
                let changes = state.apply(event, at: CallCenterTime(millisecondsSinceEpoch: pbx.milliseconds))
                CallCenterChange.apply(changes, to: &view)
            }
            if view != state.view { replayed = false }
            if step % 50 == 0 { checkpoints.append(state) }
        }
        return (pbx, state, checkpoints, replayed)
    }

    /// Should agree with a snapshot of the same PBX after any random event sequence.
    @Test(arguments: seeds)
    func incrementalEqualsSnapshot(seed: UInt64) {
        let (pbx, state, checkpoints, replayed) = Self.run(seed: seed, steps: 400)
        #expect(replayed, "emitted changes did not rebuild the view")
        #expect(checkpoints.contains { $0.view.keys.contains { if case .parking = $0 { true } else { false } } })
        // Blind transfers are drawn.
        #expect(pbx.transfers > 0)
        // The call topics are exercised.
        #expect(checkpoints.contains { $0.view.keys.contains { if case .agentCall = $0 { true } else { false } } })
        let time = CallCenterTime(millisecondsSinceEpoch: pbx.milliseconds)
        let fresh = CallCenterState.snapshot(
            configuration: state.configuration, items: pbx.stateLists(), at: time, previous: state
        )
        let changes = state.diff(to: fresh, at: time)
        #expect(changes.isEmpty, "resync would publish: \(changes.prefix(5))")
        // The scenario must actually exercise the interesting topics.
        let keys = state.view.keys
        #expect(keys.contains { if case .agentQueueMemberStatus = $0 { true } else { false } })
        #expect(
            state.view.values.contains {
                if case .presence(let presence) = $0 {
                    presence.dnd || presence.callForward != CallForward()
                } else {
                    false
                }
            })
        #expect(state.diagnostics.malformedEvents > 0)
    }

    /// Should put calls on hold in the random scenarios, so that the agreement above covers a
    /// held call's topics (a resync keeps its `holdSince`).
    @Test func scenariosHoldCalls() {
        let held = Self.seeds.filter { seed in
            Self.run(seed: seed, steps: 400).checkpoints.contains {
                $0.view.values.contains { if case .call(let call) = $0 { call.holdSince != nil } else { false } }
            }
        }
        #expect(!held.isEmpty)
    }

    /// Should agree with a snapshot under scope filtering too.
    @Test(arguments: [UInt64(7), 8])
    func incrementalEqualsSnapshotWhenScoped(seed: UInt64) {
        let configuration = CallCenterConfiguration(trackedQueues: ["q1", "q3"], trackedAgents: ["100", "101", "103"])
        let (pbx, state, _, replayed) = Self.run(seed: seed, steps: 400, configuration: configuration)
        #expect(replayed)
        let time = CallCenterTime(millisecondsSinceEpoch: pbx.milliseconds)
        let fresh = CallCenterState.snapshot(
            configuration: configuration, items: pbx.stateLists(), at: time, previous: state)
        #expect(state.diff(to: fresh, at: time).isEmpty)
        for key in state.view.keys {
            switch key {
            case .agentExtensionStatus(let a), .agentName(let a), .agentPhoneNumber(let a):
                #expect(configuration.tracks(agent: a))
            case .agentQueueMemberStatus(let a, let q):
                #expect(configuration.tracks(agent: a) && configuration.tracks(queue: q))
            case .queueCount(let q), .queueStats(let q):
                #expect(configuration.tracks(queue: q))
            case .extensionPresence(let e), .extensionConversations(let e), .agentCall(let e):
                #expect(configuration.tracks(agent: e))
            case .parking:
                // Parked calls are not scoped by agent or queue.
                break
            }
        }
    }

    /// Should turn any earlier view into any later one by applying their diff.
    @Test(arguments: seeds)
    func diffTransformsViews(seed: UInt64) {
        let (_, _, checkpoints, _) = Self.run(seed: seed, steps: 300)
        let time = CallCenterTime(millisecondsSinceEpoch: 0)
        var nonEmpty = 0
        for (a, b) in zip(checkpoints, checkpoints.dropFirst(2)) {
            let changes = CallCenterState.diff(a.view, b.view, at: time)
            if !changes.isEmpty { nonEmpty += 1 }
            var view = a.view
            CallCenterChange.apply(changes, to: &view)
            #expect(view == b.view)
            #expect(CallCenterState.diff(b.view, b.view, at: time).isEmpty)
        }
        #expect(nonEmpty > 0)
    }

    /// Should detect a real difference: a snapshot missing a member yields loggedoff + clear.
    @Test func resyncReportsVanishedMember() {
        let time = CallCenterTime(millisecondsSinceEpoch: 5000)
        var state = CallCenterState()
        _ = state.apply(Packets.member("QueueMemberAdded", queue: "q1", agent: "147", name: "Alice"), at: time)
        let fresh = CallCenterState.snapshot(
            configuration: state.configuration,
            items: [Packets.event("QueueParams", [("Queue", "q1")])], at: time, previous: state
        )
        let changes = state.diff(to: fresh, at: time)
        let key = StateKey.agentQueueMemberStatus(agent: "147", queue: "q1")
        #expect(changes.contains(.clear(key)))
        #expect(changes.contains(.clear(.agentName(agent: "147"))))
        let loggedOff = changes.contains {
            if case .set(key, .queueMemberStatus(let value)) = $0 { value.status == .loggedoff } else { false }
        }
        #expect(loggedOff)
        #expect(state.fullView.count == state.view.count)
    }
}
