import AMI
import CallCenter
import Testing

/// The reducer reads exactly the events ``ModelEvent`` declares.
@Suite struct ModelEventTests {
    static let time = CallCenterTime(millisecondsSinceEpoch: 1000)

    /// Should read every declared event: one without its fields is counted as malformed
    /// under its own name, so none is declared without a handler behind it.
    @Test(arguments: ModelEvent.allCases)
    func declaredEventIsRead(event: ModelEvent) {
        var state = CallCenterState()
        let changes = state.apply(Packets.event(event.rawValue, []), at: Self.time)
        #expect(changes.isEmpty)
        #expect(state.diagnostics.malformedEvents == 1)
        #expect(state.diagnostics.lastMalformed?.hasPrefix(event.rawValue + ".") == true)
    }

    /// Should ignore an event the declaration lacks, even one full of fields the reducer
    /// would otherwise read, and leave no trace of it.
    @Test(arguments: [
        "MusicOnHoldStart", "BridgeMerge", "Newstate", "NewCallerid", "VarSet", "DialBegin", "DBGetTreeComplete",
        "hangup",
    ])
    func undeclaredEventIsIgnored(name: String) {
        var state = CallCenterState()
        let before = state
        let changes = state.apply(
            Packets.event(name, [("Queue", "q1"), ("Uniqueid", "1.1"), ("Channel", "PJSIP/147-1"), ("Status", "1")]),
            at: Self.time)
        #expect(ModelEvent(eventName: name) == nil)
        #expect(changes.isEmpty)
        #expect(state == before)
    }

    /// Should mark the state-list items as such, so filters are built from pushed events only.
    @Test func listItemsAreNotStreamed() {
        let items = ModelEvent.allCases.filter { $0.delivery == .listItem }.map(\.rawValue)
        #expect(
            items == [
                "DBGetTreeResponse", "QueueMember", "QueueParams", "QueueSummary", "QueueEntry", "CoreShowChannel",
            ])
        #expect(ModelEvent.streamed.count + items.count == ModelEvent.allCases.count)
        #expect(ModelEvent.streamed.contains(.extensionStatus))
    }
}
