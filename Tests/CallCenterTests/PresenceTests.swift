import AMI
import CallCenter
import Testing

/// Extension presence: hint states of every extension plus FreePBX's DND and call forward.
@Suite struct PresenceTests {
    static let t0 = CallCenterTime(millisecondsSinceEpoch: 1000)
    static let t1 = CallCenterTime(millisecondsSinceEpoch: 2000)
    static let t2 = CallCenterTime(millisecondsSinceEpoch: 3000)

    static func hint(_ exten: String, _ status: String) -> AMIMessage {
        Packets.event(
            "ExtensionStatus",
            [("Exten", exten), ("Context", "ext-local"), ("Hint", "PJSIP/\(exten)"), ("Status", status)])
    }

    static func tree(_ key: String, _ value: String) -> AMIMessage {
        Packets.event("DBGetTreeResponse", [("Key", key), ("Val", value), ("ActionID", "a1")])
    }

    static func presence(_ state: CallCenterState, _ exten: String) -> ExtensionPresenceValue? {
        guard case .presence(let value) = state.view[.extensionPresence(extension: exten)] else { return nil }
        return value
    }

    /// Should map every hint code to astproxy's words and move `since` only when the word changes.
    @Test func hintCodesMapToPresence() {
        var state = CallCenterState()
        let expected: [(String, PresenceStatus)] = [
            ("0", .online), ("1", .busy), ("2", .busy), ("4", .offline), ("8", .ringing), ("9", .busyRinging),
            ("16", .onHold), ("17", .onHold),
        ]
        for (code, status) in expected {
            _ = state.apply(Self.hint("200", code), at: Self.t0)
            #expect(Self.presence(state, "200")?.status == status, "code \(code)")
        }
        _ = state.apply(Self.hint("200", "0"), at: Self.t1)
        let changes = state.apply(Self.hint("200", "0"), at: Self.t2)
        #expect(changes.isEmpty)
        #expect(Self.presence(state, "200")?.since == Self.t1)
        _ = state.apply(Self.hint("200", "42"), at: Self.t2)
        #expect(Self.presence(state, "200")?.status == .offline)
        #expect(state.apply(Self.hint("200", "-1"), at: Self.t2).contains(.clear(.extensionPresence(extension: "200"))))
        #expect(state.view.isEmpty)
    }

    /// Should read DND and forwards from the sync's DBGetTree items, and keep DND out of an offline status.
    @Test func astDBListsGivePresenceFeatures() {
        let state = CallCenterState.snapshot(
            configuration: CallCenterConfiguration(),
            items: [
                Self.hint("147", "0"), Self.hint("148", "4"), Self.tree("/DND/147", "YES"),
                Self.tree("/DND/148", "YES"),
                Self.tree("/CF/147", "5551234"), Self.tree("/CFB/147", "200"), Self.tree("/CFU/149", "300"),
                Self.tree("/CF/147/extra", "x"),
            ],
            at: Self.t0)
        let alice = Self.presence(state, "147")
        #expect(alice?.status == .dnd)
        #expect(alice?.dnd == true)
        #expect(alice?.callForward == CallForward(unconditional: "5551234", busy: "200", unavailable: nil))
        #expect(Self.presence(state, "148")?.status == .offline)
        #expect(Self.presence(state, "148")?.dnd == true)
        // No hint for 149: its forward is known but not published.
        #expect(Self.presence(state, "149") == nil)
        #expect(state.diagnostics.malformedEvents == 0)
    }

    /// Should turn DND on and off from the custom device state, ignoring other devices and counting unknown states.
    @Test func dndDeviceStateRefreshesPresence() {
        var state = CallCenterState()
        _ = state.apply(Self.hint("147", "0"), at: Self.t0)
        let device = { (name: String, value: String) in
            Packets.event("DeviceStateChange", [("Device", name), ("State", value)])
        }
        #expect(state.apply(device("Custom:147", "BUSY"), at: Self.t1).isEmpty)
        #expect(state.apply(device("Custom:DND", "BUSY"), at: Self.t1).isEmpty)
        _ = state.apply(device("Custom:DND147", "BUSY"), at: Self.t1)
        #expect(Self.presence(state, "147")?.status == .dnd)
        #expect(Self.presence(state, "147")?.since == Self.t1)
        _ = state.apply(device("Custom:DND147", "NOT_INUSE"), at: Self.t2)
        #expect(Self.presence(state, "147")?.status == .online)
        #expect(Self.presence(state, "147")?.dnd == false)
        _ = state.apply(device("Custom:DND147", "SIDEWAYS"), at: Self.t2)
        #expect(state.diagnostics.unknownCodes.contains("DeviceStateChange.State=SIDEWAYS"))
        var off = CallCenterState(configuration: CallCenterConfiguration(dndDeviceTemplate: nil))
        _ = off.apply(Self.hint("147", "0"), at: Self.t0)
        #expect(off.apply(device("Custom:DND147", "BUSY"), at: Self.t1).isEmpty)
    }

    /// Should set and delete call forwards from the configured user event and count one without a Key.
    @Test func astDBUserEventRefreshesForwards() {
        var state = CallCenterState()
        _ = state.apply(Self.hint("147", "1"), at: Self.t0)
        let set = Packets.event(
            "UserEvent", [("UserEvent", "AstDB"), ("Family", "CFB"), ("Key", "147"), ("Val", "200")])
        _ = state.apply(set, at: Self.t1)
        #expect(Self.presence(state, "147")?.callForward.busy == "200")
        #expect(Self.presence(state, "147")?.status == .busy)
        let other = Packets.event("UserEvent", [("UserEvent", "Other"), ("Family", "CFB"), ("Key", "147")])
        #expect(state.apply(other, at: Self.t2).isEmpty)
        let delete = Packets.event("UserEvent", [("UserEvent", "AstDB"), ("Family", "CFB"), ("Key", "147")])
        _ = state.apply(delete, at: Self.t2)
        #expect(Self.presence(state, "147")?.callForward == CallForward())
        let broken = Packets.event("UserEvent", [("UserEvent", "AstDB"), ("Family", "CF")])
        #expect(state.apply(broken, at: Self.t2).isEmpty)
        #expect(state.diagnostics.lastMalformed == "UserEvent.Key")
    }

    /// Should keep the presence `since` across a resync when the status did not change.
    @Test func resyncKeepsPresenceSince() {
        let configuration = CallCenterConfiguration()
        let before = CallCenterState.snapshot(
            configuration: configuration, items: [Self.hint("147", "0"), Self.tree("/DND/147", "YES")], at: Self.t0)
        let after = CallCenterState.snapshot(
            configuration: configuration, items: [Self.hint("147", "0"), Self.tree("/DND/147", "YES")], at: Self.t2,
            previous: before)
        #expect(before.diff(to: after, at: Self.t2).isEmpty)
        #expect(Self.presence(after, "147")?.since == Self.t0)
    }
}
