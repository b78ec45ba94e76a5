import Bridge
import Testing

@Suite struct RecentCommandsTests {
    let accepted = CommandReply(id: "a", command: "originate", actionID: "1", status: .accepted)

    /// Should remember an id for the window, return the latest reply, then forget it.
    @Test func remembersWithinWindowOnly() {
        var recent = RecentCommands(window: 300)
        recent.remember("a", command: "originate", reply: self.accepted, now: 0)
        #expect(recent.lookup("a", now: 10)?.reply.status == .accepted)
        var final = self.accepted
        final.status = .ok
        recent.update("a", reply: final)
        #expect(recent.lookup("a", now: 299.9)?.reply.status == .ok)
        #expect(recent.lookup("a", now: 300) == nil)
        #expect(recent.count == 0)
    }

    /// Should evict the oldest ids beyond capacity instead of growing without bound.
    @Test func boundsMemory() {
        var recent = RecentCommands(window: 300, capacity: 100)
        for index in 0..<5000 {
            recent.remember("id\(index)", command: "hangup", reply: self.accepted, now: Double(index) / 1000)
        }
        #expect(recent.count == 100)
        #expect(recent.lookup("id4999", now: 5) != nil)
        #expect(recent.lookup("id0", now: 5) == nil)
    }
}
