import AMI
import CallCenter
import Testing

/// Each numeric status code maps to the contract's status word, by number only.
@Suite struct StatusMappingTests {
    static let t0 = CallCenterTime(millisecondsSinceEpoch: 1000)

    /// The changes of the agent topics only (the same event also moves the extension's presence
    /// and starts or ends its conversations list, which PresenceTests and CallModelTests cover).
    static func agentSide(_ changes: [CallCenterChange]) -> [CallCenterChange] {
        changes.filter {
            switch $0 {
            case .set(.extensionPresence, _), .clear(.extensionPresence), .set(.extensionConversations, _),
                .clear(.extensionConversations):
                false
            default: true
            }
        }
    }

    static let extensionCases: [(String, AgentStatus)] = [
        ("0", .notInUse), ("1", .inUse), ("2", .busy), ("4", .unavailable), ("8", .ringing),
        ("9", .ringInUse), ("16", .onHold), ("17", .onHold),
    ]

    /// Should publish each ExtensionStatus code as its status, ignoring StatusText.
    @Test(arguments: extensionCases)
    func extensionStatusCode(code: String, expected: AgentStatus) {
        var state = CallCenterState()
        let changes = Self.agentSide(state.apply(Packets.extensionStatus(agent: "147", status: code), at: Self.t0))
        #expect(
            changes == [
                .set(
                    .agentExtensionStatus(agent: "147"),
                    .extensionStatus(ExtensionStatusValue(agent: "147", status: expected, since: Self.t0)))
            ])
        #expect(state.diagnostics.unknownCodes.isEmpty)
    }

    /// Should clear the topic when the hint or extension is removed (-1, -2).
    @Test(arguments: ["-1", "-2"])
    func extensionRemoved(code: String) {
        var state = CallCenterState()
        _ = state.apply(Packets.extensionStatus(agent: "147", status: "1"), at: Self.t0)
        let changes = Self.agentSide(state.apply(Packets.extensionStatus(agent: "147", status: code), at: Self.t0))
        #expect(changes == [.clear(.agentExtensionStatus(agent: "147"))])
        #expect(state.view.isEmpty)
    }

    /// Should publish unknown codes and garbage as `unknown` and record them once.
    @Test(arguments: ["3", "42", "abc", ""])
    func extensionUnknown(code: String) {
        var state = CallCenterState()
        let changes = Self.agentSide(state.apply(Packets.extensionStatus(agent: "147", status: code), at: Self.t0))
        if code.isEmpty {
            #expect(changes.isEmpty)
            #expect(state.diagnostics.malformedEvents == 1)
        } else {
            #expect(
                changes == [
                    .set(
                        .agentExtensionStatus(agent: "147"),
                        .extensionStatus(ExtensionStatusValue(agent: "147", status: .unknown, since: Self.t0)))
                ])
            #expect(state.diagnostics.unknownCodes == ["ExtensionStatus.Status=\(code)"])
        }
    }

    /// Should keep `since` when the same status repeats and publish nothing.
    @Test func repeatedStatusIsSilent() {
        var state = CallCenterState()
        _ = state.apply(Packets.extensionStatus(agent: "147", status: "1"), at: Self.t0)
        let changes = state.apply(
            Packets.extensionStatus(agent: "147", status: "1"), at: CallCenterTime(millisecondsSinceEpoch: 9000))
        #expect(changes.isEmpty)
    }

    static let deviceCases: [(String, AgentStatus, Int)] = [
        ("0", .unknown, 1), ("1", .notInUse, 1), ("2", .inUse, 0), ("3", .busy, 0), ("4", .unavailable, 0),
        ("5", .unavailable, 0), ("6", .ringing, 0), ("7", .ringInUse, 0), ("8", .onHold, 0), ("9", .unknown, 0),
        ("x", .unknown, 0),
    ]

    /// Should map each queue member device code, and count availability like Asterisk.
    @Test(arguments: deviceCases)
    func memberDeviceCode(code: String, expected: AgentStatus, available: Int) throws {
        var state = CallCenterState()
        _ = state.apply(Packets.member("QueueMemberStatus", queue: "q1", agent: "147", status: code), at: Self.t0)
        guard case .queueMemberStatus(let value)? = state.view[.agentQueueMemberStatus(agent: "147", queue: "q1")]
        else {
            Issue.record("no member value")
            return
        }
        #expect(value.status == expected)
        guard case .queueStats(let stats)? = state.view[.queueStats(queue: "q1")] else {
            Issue.record("no stats")
            return
        }
        #expect(stats.available == available)
        #expect(stats.members == 1)
        #expect(state.diagnostics.unknownCodes.isEmpty == (Int(code).map { (0...8).contains($0) } ?? false))
    }

    /// Should publish `paused` over any device status while paused, and count it.
    @Test func pausedWins() throws {
        var state = CallCenterState()
        _ = state.apply(Packets.member("QueueMemberAdded", queue: "q1", agent: "147", status: "2"), at: Self.t0)
        let changes = state.apply(
            Packets.member("QueueMemberPause", queue: "q1", agent: "147", status: "2", paused: "1", reason: "lunch"),
            at: Self.t0)
        let key = StateKey.agentQueueMemberStatus(agent: "147", queue: "q1")
        guard case .set(key, .queueMemberStatus(let value))? = changes.first else {
            Issue.record("expected member set first, got \(changes)")
            return
        }
        #expect(value.status == .paused)
        #expect(value.paused)
        #expect(value.pausedReason == "lunch")
        guard case .queueStats(let stats)? = state.view[.queueStats(queue: "q1")] else { return }
        #expect(stats.paused == 1)
        #expect(stats.available == 0)
    }
}
