import Testing

@testable import Bridge

/// The active/standby role decision as transcripts: observed `bridge/state` messages (and the
/// instance's own start and observation window) in, role changes out.
@Suite struct FailoverRoleMachineTests {
    static func online(_ instance: String?) -> FailoverRoleMachine.Input {
        .observed(BridgeStateObservation(online: true, instance: instance))
    }

    static func offline(_ instance: String?) -> FailoverRoleMachine.Input {
        .observed(BridgeStateObservation(online: false, instance: instance))
    }

    /// Runs `steps` (input, expected outputs) on a fresh machine for `instance`.
    static func transcript(
        _ instance: String, _ steps: [(FailoverRoleMachine.Input, [FailoverRoleMachine.Output])],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> FailoverRoleMachine {
        var machine = FailoverRoleMachine(instance: instance)
        for (index, (input, expected)) in steps.enumerated() {
            let outputs = machine.handle(input)
            #expect(outputs == expected, "step \(index): \(input)", sourceLocation: sourceLocation)
        }
        return machine
    }

    /// Should become active when nothing (or only an offline state) is retained.
    @Test func firstInstanceBecomesActive() {
        let machine = Self.transcript(
            "a", [(.started, []), (Self.offline("old"), []), (.windowEnded, [.becomeActive]), (Self.online("a"), [])])
        #expect(machine.role == .active)
        #expect(machine.mayExecuteCommands)
    }

    /// Should stay standby when another instance is online (a returning instance too), and
    /// take over when the watched one's Last Will arrives.
    @Test func standbyTakesOverOnTheLastWill() {
        var machine = Self.transcript(
            "b",
            [
                (.started, []), (Self.online("a"), [.becomeStandby(watching: "a")]), (.windowEnded, []),
                // Another standby's Last Will says nothing about the active one.
                (Self.offline("c"), []),
            ])
        #expect(machine.role == .standby(watching: "a"))
        #expect(!machine.mayExecuteCommands)
        #expect(machine.handle(Self.offline("a")) == [.becomeActive])
        #expect(machine.role == .active)
        #expect(machine.handle(Self.online("b")) == [])
        #expect(machine.mayExecuteCommands)
        // The old active instance returns: it stays standby (its own transcript) ...
        let returning = Self.transcript(
            "a2", [(.started, []), (Self.online("b"), [.becomeStandby(watching: "b")]), (.windowEnded, [])])
        #expect(returning.role == .standby(watching: "b"))
        // ... and when a standby dies, its Last Will replaces the retained `online`: the active
        // instance puts its `online` back, and keeps executing commands.
        #expect(machine.handle(Self.offline("a2")) == [.republishOnline])
        #expect(machine.mayExecuteCommands)
        #expect(machine.handle(Self.offline("b")) == [])
        #expect(machine.handle(Self.offline(nil)) == [])
    }

    /// Should take over on a graceful `offline` and on a cleared topic, and follow a switch to
    /// another online instance.
    @Test func standbyFollowsSwitches() {
        var machine = Self.transcript(
            "c", [(.started, []), (Self.online("a"), [.becomeStandby(watching: "a")]), (Self.online("b"), [])])
        #expect(machine.role == .standby(watching: "b"))
        #expect(machine.handle(Self.offline("a")) == [])
        #expect(machine.role == .standby(watching: "b"))
        #expect(machine.handle(.observed(BridgeStateObservation(online: false, instance: nil))) == [.becomeActive])
    }

    /// Should settle two active instances by id: the greater steps down, the smaller republishes
    /// and executes no command until its own `online` is the latest again.
    @Test func twoActiveInstancesSettleById() {
        var smaller = Self.transcript("a", [(.started, []), (.windowEnded, [.becomeActive])])
        var greater = Self.transcript("b", [(.started, []), (.windowEnded, [.becomeActive])])
        #expect(smaller.handle(Self.online("b")) == [.republishOnline])
        #expect(!smaller.mayExecuteCommands)
        #expect(greater.handle(Self.online("a")) == [.becomeStandby(watching: "a")])
        #expect(!greater.mayExecuteCommands)
        #expect(smaller.handle(Self.online("a")) == [])
        #expect(smaller.mayExecuteCommands)
        #expect(greater.handle(Self.online("a")) == [])
        #expect(greater.role == .standby(watching: "a"))
    }

    /// Should never compete with a bridge outside any pair (online without an id): standby when
    /// starting, no commands when active.
    @Test func bridgeWithoutIdIsRespected() {
        let starting = Self.transcript("a", [(.started, []), (Self.online(nil), [.becomeStandby(watching: nil)])])
        #expect(starting.role == .standby(watching: nil))
        var active = Self.transcript("a", [(.started, []), (.windowEnded, [.becomeActive])])
        #expect(active.handle(Self.online(nil)) == [])
        #expect(!active.mayExecuteCommands)
        #expect(active.role == .active)
    }

    /// Should read bridge/state payloads: the contract's, with an instance, the Last Will, a
    /// cleared topic, and refuse what it cannot read.
    @Test func parsesBridgeState() {
        func parse(_ text: String) -> BridgeStateObservation? { BridgeStateObservation.parse(Array(text.utf8)) }
        #expect(
            parse(#"{"state":"online","version":"0.1.0","since":"2026-11-30T03:51:16.182Z","instance":"a"}"#)
                == BridgeStateObservation(online: true, instance: "a"))
        #expect(parse(#"{"state":"online","version":"0.1.0"}"#) == BridgeStateObservation(online: true, instance: nil))
        #expect(parse(#"{"state":"offline","instance":"a"}"#) == BridgeStateObservation(online: false, instance: "a"))
        #expect(BridgeStateObservation.parse([]) == BridgeStateObservation(online: false, instance: nil))
        #expect(parse(#"{"state":"sleeping"}"#) == nil)
        #expect(parse("online") == nil)
        #expect(parse(#"{"state":1}"#) == nil)
    }
}
