import AMI
import CallCenter
import Foundation
import PBXTestSupport
import Testing

/// The queue's service level is live: kept from the calls between syncs, and equal to what
/// Asterisk itself reports next.
@Suite struct ServiceLevelTests {
    static func stats(_ state: CallCenterState, _ queue: String) -> QueueStatsValue? {
        if case .queueStats(let value)? = state.view[.queueStats(queue: queue)] { return value }
        return nil
    }

    /// Should, on the real queue-stats capture, hold before each later QueueParams exactly the
    /// ServicelevelPerf and ServicelevelPerf2 Asterisk then reports (50.0/33.3, then 33.3/20.0
    /// after an answered call outside the threshold and an abandon).
    @Test func liveValueMatchesAsteriskOnTheNextQueueStatus() throws {
        var state = CallCenterState()
        var checked = 0
        var seen: Set<String> = []
        for (index, message) in try decodeAMIMessages(Fixtures.bytes("call-features/queue-stats.ami")).enumerated() {
            if message.eventName == "QueueParams", let queue = message["Queue"], seen.contains(queue),
                let live = Self.stats(state, queue)
            {
                #expect(String(format: "%.1f", live.serviceLevel) == message["ServicelevelPerf"], "\(queue) #\(index)")
                #expect(
                    String(format: "%.1f", live.serviceLevelWithAbandoned) == message["ServicelevelPerf2"],
                    "\(queue) #\(index)")
                checked += 1
            }
            if message.eventName == "QueueParams", let queue = message["Queue"] { seen.insert(queue) }
            _ = state.apply(message, at: CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000))
        }
        #expect(checked >= 1)
    }

    /// Should count an answered call within the threshold and one outside, and an abandon.
    @Test func countsCallsAgainstTheThreshold() {
        var state = CallCenterState()
        let t = CallCenterTime(millisecondsSinceEpoch: 1000)
        _ = state.apply(
            Packets.event(
                "QueueParams",
                [
                    ("Queue", "q1"), ("Completed", "0"), ("Abandoned", "0"), ("ServiceLevel", "20"),
                    ("ServicelevelPerf", "0.0"), ("ServicelevelPerf2", "0.0"),
                ]), at: t)
        func complete(hold: Int) {
            _ = state.apply(
                Packets.event(
                    "AgentComplete",
                    [
                        ("Queue", "q1"), ("Interface", "Local/147@agents/n"), ("HoldTime", String(hold)),
                        ("TalkTime", "9"), ("Reason", "agent"),
                    ]), at: t)
        }
        complete(hold: 5)
        #expect(Self.stats(state, "q1")?.serviceLevel == 100)
        complete(hold: 25)
        complete(hold: 20)
        #expect(Self.stats(state, "q1")?.serviceLevel == 66.7)
        _ = state.apply(
            Packets.event(
                "QueueCallerAbandon", [("Queue", "q1"), ("Uniqueid", "1.1"), ("Position", "1"), ("HoldTime", "40")]),
            at: t)
        #expect(Self.stats(state, "q1")?.serviceLevelWithAbandoned == 50)
        #expect(Self.stats(state, "q1")?.serviceLevel == 66.7)
    }
}
