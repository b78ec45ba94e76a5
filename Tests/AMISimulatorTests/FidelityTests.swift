import AMI
import AMISimulator
import PBXTestSupport
import Testing

/// Replays real Asterisk 22.10.1 captures (`Tests/Fixtures/X.ami.sent`) against the simulator set up
/// like the capture's call center, and checks that every response and event type Asterisk
/// sent comes back with the same header names in the same order (values may differ).
///
/// Covered: login-and-initial-state, login-and-initial-state-busy (the calls are set up first
/// by a second connection), md5-login (the key is recomputed for the simulator's challenge),
/// md5-login-badkey, login-badsecret, queue-member-lifecycle, queue-call-flow,
/// queue-ringnoanswer, originate, redirect-hangup, command, event-filter,
/// event-filter-eventmask and event-filter-unfiltered (their traffic is queue-call-flow's,
/// driven from a second connection as in the capture), limited-user (the bridge's member
/// changes come from a second connection), asterisk-restart and asterisk-restart-after (the
/// restart is the simulator's `restart` fault), call-features/dnd-astdb (DBPut, DBGet,
/// DBGetTree, DBDel, DBDelTree and the do-not-disturb custom device state), call-features/hold
/// (Hold and Unhold raised through HOLD_INTERCEPT by a member in `[agents-hold]`),
/// call-features/blind-transfer (BlindTransfer refused and done, AgentComplete `Reason: transfer`),
/// call-features/attended-transfer (Atxfer without a feature code, then DTMFEnd, Hold,
/// consultation, BridgeMerge, AttendedTransfer), call-features/ringall-two-agents (q2 rings Bob
/// and Carol, one answers; an abandon while both ring), call-features/queue-stats (QueueStatus
/// and QueueSummary with a waiting caller, then after an abandon and a completed call),
/// call-features/park-pickup (Park, ParkedCalls, pickup, timeout with the dial back, give-up).
/// The call-features captures' calls come from the driver's unrecorded connection: `setup`
/// places them, `teardown` removes the member before the Logoff.
///
/// Skipped: traffic-10-calls, a passive listener of a driver whose Originates are not in the
/// capture; `TrafficGeneratorTests` checks the generator's packets against it instead.
@Suite struct FidelityTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        var fixture: String
        var firstLocalChannel = 0
        /// Real seconds per simulated second: short enough for a quick test, long enough that
        /// a call is still up when the next action of the capture refers to it.
        var timeScale = 0.02
        /// Actions a second (bridge) connection runs first, as the capture's driver did.
        /// The main connection replays its first `split` actions before the second connection
        /// runs `setup` and `traffic`, then the rest.
        var split = 0
        var setup: [AMIMessage] = []
        /// An event the main connection waits for after `setup`, before replaying the rest
        /// (the call the capture's actions act on is connected).
        var awaitEvent: String?
        /// Actions the second connection runs just before the main connection sends the action
        /// with this ActionID, then the event the main connection waits for (another call).
        var before: [String: ([AMIMessage], String)] = [:]
        /// ActionIDs before whose `before` actions every call must have ended.
        var idleBefore: Set<String> = []
        /// Actions the second connection runs once the calls `setup` placed have ended.
        var teardown: [AMIMessage] = []
        /// A capture whose actions a second connection replays (the traffic other sessions see).
        var traffic: String?
        /// Types of the capture the simulator does not produce, with the reason.
        var notProduced: [String: String] = [:]

        var testDescription: String { self.fixture }
    }

    static let scenarios: [Scenario] = [
        Scenario(fixture: "login-and-initial-state"),
        Scenario(fixture: "md5-login"),
        Scenario(fixture: "md5-login-badkey"),
        Scenario(fixture: "login-badsecret"),
        Scenario(fixture: "queue-member-lifecycle"),
        Scenario(fixture: "queue-call-flow"),
        Scenario(fixture: "queue-ringnoanswer"),
        Scenario(fixture: "originate"),
        Scenario(fixture: "redirect-hangup", firstLocalChannel: 0x12, timeScale: 0.1),
        Scenario(fixture: "command"),
        // AstDB (DND and call forward in FreePBX's families) and the DND custom device state.
        Scenario(fixture: "call-features/dnd-astdb"),
        Scenario(fixture: "event-filter", split: 9, traffic: "queue-call-flow"),
        Scenario(fixture: "event-filter-eventmask", split: 1, traffic: "queue-call-flow"),
        Scenario(fixture: "event-filter-unfiltered", split: 1, traffic: "queue-call-flow"),
        Scenario(
            fixture: "limited-user",
            split: 1,
            setup: [
                AMIAction(
                    "QueueAdd",
                    [
                        "Queue": "q1", "Interface": "Local/147@agents/n", "StateInterface": "Custom:147",
                        "MemberName": "Alice",
                    ]
                ).message(actionID: "s1"),
                AMIAction("QueuePause", ["Queue": "q2", "Interface": "Local/149@agents/n", "Paused": "true"]).message(
                    actionID: "s2"),
                AMIAction("QueueRemove", ["Queue": "q1", "Interface": "Local/147@agents/n"]).message(actionID: "s3"),
                AMIAction("QueuePause", ["Queue": "q2", "Interface": "Local/149@agents/n", "Paused": "false"]).message(
                    actionID: "s4"),
            ]
        ),
        Scenario(
            fixture: "login-and-initial-state-busy",
            timeScale: 0.2,
            setup: [
                AMIAction(
                    "Originate",
                    [
                        "Channel": "Local/200@incoming", "Application": "Wait", "Data": "600", "Async": "true",
                        "CallerID": "\"Caller 5550201\" <5550201>", "Variable": "__TALKTIME=600",
                    ]
                ).message(actionID: "s1"),
                AMIAction(
                    "Originate",
                    [
                        "Channel": "Local/100@incoming", "Application": "Wait", "Data": "600", "Async": "true",
                        "CallerID": "\"Caller 5550101\" <5550101>",
                    ]
                ).message(actionID: "s2"),
            ]
        ),
        // Hold and Unhold through HOLD_INTERCEPT: Alice's interface runs [agents-hold].
        Scenario(
            fixture: "call-features/hold",
            firstLocalChannel: 0x0f,
            split: 1,
            setup: [Self.queueAdd("Local/147@agents-hold/n"), Self.queueCall("5550401")],
            teardown: [Self.queueRemove("Local/147@agents-hold/n")]
        ),
        // BlindTransfer: refused on the agent's unbridged ;2 leg, done on its bridged ;1 leg.
        Scenario(
            fixture: "call-features/blind-transfer",
            firstLocalChannel: 8,
            split: 1,
            setup: [
                Self.queueAdd("Local/147@agents/n"),
                Self.queueCall("5550201", extra: ["Data": "600", "Variable": "__TALKTIME=600"]),
            ],
            awaitEvent: "AgentConnect",
            teardown: [Self.queueRemove("Local/147@agents/n")]
        ),
        // Atxfer: refused without the atxfer feature code (call 1), then consulting 148 and
        // completing when the agent hangs up (call 2, with the capture's feature variables).
        Scenario(
            fixture: "call-features/attended-transfer",
            firstLocalChannel: 0x0a,
            // The Atxfer must reach the agent within its talk time even on a loaded machine.
            timeScale: 0.05,
            split: 1,
            setup: [
                Self.queueAdd("Local/147@agents/n"),
                Self.queueCall("5550301", extra: ["Data": "600", "Variable": "__TALKTIME=600"]),
            ],
            awaitEvent: "AgentConnect",
            before: [
                "atxfer-148": (
                    [
                        AMIAction("Hangup", ["Channel": "Local/147@agents-0000000b;2"]).message(actionID: "end-1"),
                        Self.queueCall(
                            "5550302",
                            extra: [
                                "Data": "600",
                                "Variable":
                                    "__TALKTIME=200,BRIDGE_FEATURES=t,FEATURE(inherit)=yes,FEATUREMAP(atxfer)=*2",
                            ]),
                    ], "AgentConnect"
                )
            ],
            teardown: [Self.queueRemove("Local/147@agents/n")]
        ),
        // q2 rings Bob and Carol at once: one answers, the other is cancelled; then a caller
        // abandons while both ring.
        Scenario(
            fixture: "call-features/ringall-two-agents",
            split: 1,
            setup: [
                Self.queueCall(
                    "5550601", extra: ["Channel": "Local/200@incoming", "Variable": "__RINGTIME=3,__TALKTIME=3"])
            ],
            teardown: [
                Self.queueCall(
                    "5550602", extra: ["Channel": "Local/200@incoming", "Data": "4", "Variable": "__RINGTIME=30"])
            ]
        ),
        // Queue statistics with a caller waiting behind Alice's call, then after the waiting
        // caller abandoned and the talking one hung up.
        Scenario(
            fixture: "call-features/queue-stats",
            // Slow enough that the waiting caller's two minutes in Queue() outlast the replay.
            timeScale: 0.1,
            split: 1,
            setup: [
                Self.queueAdd("Local/147@agents/n"),
                Self.queueCall("5550706", extra: ["Data": "600", "Variable": "__TALKTIME=600"]),
                Self.queueCall("5550707", extra: ["Data": "600"]),
            ],
            awaitEvent: "AgentConnect",
            before: [
                "qstatus-q1-after": (
                    [
                        AMIAction("Hangup", ["Channel": "Local/100@incoming-00000002;1"]).message(actionID: "end-7"),
                        AMIAction("Hangup", ["Channel": "Local/100@incoming-00000000;1"]).message(actionID: "end-6"),
                    ], "AgentComplete"
                )
            ],
            teardown: [Self.queueRemove("Local/147@agents/n")]
        ),
        // Park from a queue call (the parking bridge, the agent leg hung up), ParkedCalls, pickup
        // by Local/701@incoming (UnParkedCall), a timeout dialled back to the parker, a give-up.
        Scenario(
            fixture: "call-features/park-pickup",
            // The parking timeout (45 s) and the calls must outlast the replay's round trips,
            // even on a loaded machine.
            timeScale: 0.3,
            split: 1,
            setup: [
                Self.queueAdd("Local/147@agents/n"),
                Self.queueCall("5550101", extra: ["Data": "600", "Variable": "__TALKTIME=600"]),
            ],
            awaitEvent: "AgentConnect",
            before: [
                "park-2": (
                    [
                        AMIAction(
                            "Originate",
                            [
                                "Channel": "Local/701@incoming", "Application": "Wait", "Data": "3", "Async": "true",
                                "CallerID": "147",
                            ]
                        ).message(actionID: "orig-pickup-701"),
                        Self.queueCall("5550102", extra: ["Data": "600", "Variable": "__TALKTIME=600"]),
                    ], "AgentConnect"
                ),
                "park-3": (
                    [Self.queueCall("5550103", extra: ["Data": "40", "Variable": "__TALKTIME=600"])], "AgentConnect"
                ),
            ],
            idleBefore: ["park-3"],
            teardown: [Self.queueRemove("Local/147@agents/n")]
        ),
    ]

    /// The capture driver's actions on its unrecorded connection: Alice joins q1 ...
    static func queueAdd(_ interface: String) -> AMIMessage {
        AMIAction(
            "QueueAdd", ["Queue": "q1", "Interface": interface, "StateInterface": "Custom:147", "MemberName": "Alice"]
        ).message(actionID: "add")
    }

    /// ... a caller rings q1 (`Local/100@incoming`) ...
    static func queueCall(_ number: String, extra: [String: String] = [:], id: String? = nil) -> AMIMessage {
        var fields = [
            "Channel": "Local/100@incoming", "Application": "Wait", "Data": "60", "Async": "true",
            "CallerID": "\"Caller \(number)\" <\(number)>",
        ]
        fields.merge(extra) { $1 }
        return AMIAction("Originate", fields.sorted { $0.key < $1.key }.map { AMIField($0.key, $0.value) }).message(
            actionID: id ?? "orig-\(number)")
    }

    /// ... and Alice leaves once the calls are over.
    static func queueRemove(_ interface: String) -> AMIMessage {
        AMIAction("QueueRemove", ["Queue": "q1", "Interface": interface]).message(actionID: "remove")
    }

    @Test("the simulator answers like the captured Asterisk", arguments: Self.scenarios)
    func replayMatchesCapture(_ scenario: Scenario) async throws {
        let configuration = SimulatorConfiguration(
            users: [.bridge, .limited],
            clock: .realTime(scale: scenario.timeScale),
            firstLocalChannelNumber: scenario.firstLocalChannel
        )
        let simulator = try await AMISimulator.start(configuration: configuration)
        defer { Task { try? await simulator.shutdown() } }

        let client = try await AMITestClient.connect(port: simulator.port)
        let fixtureMessages = try decodeAMIMessages(Fixtures.bytes(scenario.fixture + ".ami"))
        let challenge = fixtureMessages.first { $0["Challenge"] != nil }?["Challenge"]
        let replayer = FixtureReplayer(simulator: simulator, client: client, fixtureChallenge: challenge)
        let actions = try FixtureReplayer.actions(scenario.fixture)
        try await replayer.replay(Array(actions.prefix(scenario.split)))
        if !scenario.setup.isEmpty {
            let driver = try await AMITestClient.connect(port: simulator.port)
            try await driver.login()
            for action in scenario.setup {
                driver.send(action)
                if let id = action.actionID { _ = try await driver.response(id) }
                if action.actionName == "Originate", let id = action.actionID {
                    _ = try await driver.waitFor("OriginateResponse") {
                        $0.contains { $0.eventName == "OriginateResponse" && $0.actionID == id }
                    }
                }
            }
        }
        if let event = scenario.awaitEvent {
            try await client.waitFor(event) { $0.contains { $0.eventName == event } }
        }
        if let traffic = scenario.traffic {
            let driver = try await AMITestClient.connect(port: simulator.port)
            try await FixtureReplayer(simulator: simulator, client: driver).replay(try FixtureReplayer.actions(traffic))
            try await replayer.waitUntilIdle()
        }
        let rest = Array(actions.dropFirst(scenario.split))
        let logoff = rest.firstIndex { $0.actionName?.lowercased() == "logoff" } ?? rest.endIndex
        for action in rest[..<logoff] {
            if let id = action.actionID, let (hook, event) = scenario.before[id] {
                if scenario.idleBefore.contains(id) { try await replayer.waitUntilIdle() }
                let seen = client.messages.filter { $0.eventName == event }.count
                let driver = try await AMITestClient.connect(port: simulator.port)
                try await driver.login()
                for step in hook {
                    driver.send(step)
                    if let stepID = step.actionID { _ = try await driver.response(stepID) }
                }
                try await client.waitFor(event) { $0.filter { $0.eventName == event }.count > seen }
            }
            try await replayer.replay([action])
        }
        if !scenario.teardown.isEmpty {
            try await replayer.waitUntilIdle()
            let driver = try await AMITestClient.connect(port: simulator.port)
            try await driver.login()
            for action in scenario.teardown {
                driver.send(action)
                if let id = action.actionID { _ = try await driver.response(id) }
            }
        }
        try await replayer.replay(Array(rest[logoff...]))
        try await client.waitQuiet()
        if scenario.fixture.hasPrefix("asterisk-restart") == false {
            #expect(client.received.error == nil)
        }

        let produced = client.messages
        #expect(!produced.isEmpty)
        let capture = ShapeCatalog(fixtureMessages)
        let everything = try ShapeCatalog.allFixtures()
        // Same header order as this capture, or as any capture for types this one lacks.
        for problem in capture.mismatches(in: produced) {
            Issue.record("\(scenario.fixture): \(problem)")
        }
        let foreign = produced.filter { capture.shapes[PacketShape($0).type] == nil }
        for problem in everything.mismatches(in: foreign) {
            Issue.record("\(scenario.fixture): \(problem)")
        }
        // Every type Asterisk sent comes back.
        let producedTypes = Set(produced.map { PacketShape($0).type })
        for type in capture.types.subtracting(producedTypes).sorted() where scenario.notProduced[type] == nil {
            Issue.record("\(scenario.fixture): the simulator sent no \(type)")
        }
    }

    /// Should shut down gracefully like `core restart now`: Shutdown event, close, refused
    /// connections, then a fresh boot with uptime 0 (asterisk-restart*.ami).
    @Test func restartMatchesCapture() async throws {
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(clock: .manual, initialUptime: 139))
        defer { Task { try? await simulator.shutdown() } }
        let before = try await AMITestClient.connect(port: simulator.port)
        try await FixtureReplayer(simulator: simulator, client: before).replay(
            try FixtureReplayer.actions("asterisk-restart"))
        try await before.waitFor("FullyBooted") { $0.contains { $0.eventName == "FullyBooted" } }
        #expect(before.messages.first { $0.eventName == "FullyBooted" }?["Uptime"] == "139")
        try await simulator.restart(graceful: true, downtime: .milliseconds(100))
        try await before.waitClosed()

        let after = try await AMITestClient.connect(port: simulator.port)
        try await FixtureReplayer(simulator: simulator, client: after).replay(
            try FixtureReplayer.actions("asterisk-restart-after"))

        let capture = ShapeCatalog(
            try decodeAMIMessages(Fixtures.bytes("asterisk-restart.ami"))
                + decodeAMIMessages(Fixtures.bytes("asterisk-restart-after.ami"))
        )
        let produced = before.messages + after.messages
        #expect(capture.mismatches(in: produced) == [])
        #expect(Set(produced.map { PacketShape($0).type }) == capture.types)
        let shutdown = before.messages.first { $0.eventName == "Shutdown" }
        #expect(shutdown?["Shutdown"] == "Cleanly")
        #expect(before.messages.last?.eventName == "Shutdown")
        let booted = after.messages.first { $0.eventName == "FullyBooted" }
        #expect(booted?["Uptime"] == "0")
    }
}
