import AMI
import CallCenter
import Foundation
import Testing

@testable import Bridge

/// Numbers Asterisk never sends, through the whole machine: no trap while applying,
/// publishing or resyncing, and one warning per refused field.
struct HostileNumberTests {
    static let huge = "99999999999999999999"

    static let queueEntry = AMIMessage([
        "Event": "QueueEntry", "Queue": "q1", "Position": "1", "Uniqueid": "1.1", "Wait": "9223372036854775807",
    ])
    static let queueParams = AMIMessage([
        "Event": "QueueParams", "Queue": "q1", "Holdtime": huge, "TalkTime": "-9223372036854775808",
        "Completed": "3", "Abandoned": "1", "ServicelevelPerf": "NaN",
    ])
    static let member = AMIMessage([
        "Event": "QueueMember", "Queue": "q1", "Name": "Alice", "Location": "Local/147@agents/n",
        "StateInterface": "Custom:147", "Penalty": "1e308", "CallsTaken": "-0", "LastCall": "9223372036854775807",
        "Status": "1", "Paused": "0",
    ])

    /// Should publish state and events built from hostile numbers (in the state lists, so on
    /// every resync) with valid payloads, and log each refused field once per process.
    @Test func hostileStateListsNeitherTrapNorRepeatWarnings() throws {
        var harness = MachineHarness()
        let lists: [[AMIMessage]] = [[Self.queueParams, Self.member, Self.queueEntry], [], [], []]
        let first = harness.startSynced(items: lists)
        let stats = try #require(first.published("pbx/queue/q1/stats").last)
        #expect(stats.payload.contains("\"completed\":3"))
        #expect(stats.payload.contains("\"holdTime\":0"))
        #expect(stats.payload.contains("\"serviceLevel\":0"))
        let member = try #require(first.published("pbx/agent/147/queueMemberStatus/q1").last)
        #expect(member.payload.contains("\"penalty\":0"))
        #expect(!member.payload.contains("lastCall"))
        for publication in first.publications {
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(publication.payload.utf8))) != nil,
                "\(publication) is not JSON")
        }
        let warnings = first.logMessages.filter { $0.hasPrefix("AMI number refused") }
        #expect(warnings.count == 7)

        // A reconnect replays the same lists: no trap, no new warning.
        _ = harness.feed { $0.amiStateChanged(.connecting(attempt: 1), at: $1) }
        let again = harness.connectAMI(items: lists)
        #expect(again.logMessages.contains("AMI state synchronised"))
        #expect(!again.logMessages.contains { $0.hasPrefix("AMI number refused") })
        #expect(harness.machine.model.diagnostics.rejectedNumbers == 7)
    }

    /// Should publish an event with hostile numbers with those numbers zeroed, and warn once.
    @Test func hostileLiveEventsArePublishedWithoutTheRefusedNumbers() throws {
        var harness = MachineHarness(configuration: MachineHarness.configuration(agents: ["147"]))
        _ = harness.startSynced(items: [[Self.member], [], [], []])
        let complete = AMIMessage([
            "Event": "AgentComplete", "Queue": "q1", "Interface": "Local/147@agents/n", "Uniqueid": "1.1",
            "TalkTime": Self.huge, "HoldTime": "12", "Reason": "agent",
        ])
        let actions = harness.feed { $0.amiEvent(complete, at: $1) }
        let event = try #require(actions.published("pbx/agent/147/agentComplete").first)
        #expect(event.payload.contains("\"talkTime\":0"))
        #expect(event.payload.contains("\"holdTime\":12"))
        #expect(actions.logMessages.filter { $0.hasPrefix("AMI number refused") }.count == 1)
        let repeated = harness.feed { $0.amiEvent(complete, at: $1) }
        #expect(!repeated.logMessages.contains { $0.hasPrefix("AMI number refused") })
    }

    /// Should log an unknown status code first seen after a resync even when the resync's
    /// model holds as many codes as were logged before (the count alone does not tell).
    @Test func unknownCodesAfterAResyncAreLogged() {
        var harness = MachineHarness()
        _ = harness.startSynced(items: [[], [], [MachineHarness.extensionStatus("147", status: 3)], []])
        _ = harness.feed { $0.amiStateChanged(.connecting(attempt: 1), at: $1) }
        let again = harness.connectAMI(items: [[], [], [MachineHarness.extensionStatus("147", status: 5)], []])
        #expect(again.logMessages.contains("unknown AMI status code mapped to unknown"))
    }
}

/// ISO 8601 text for any time the model could hold.
struct TimestampTests {
    /// Should write known instants exactly, including both ends of the four-digit years.
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1_795_618_199_517, "2026-11-25T14:49:59.517Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func writesKnownInstants(millis: Int64, text: String) {
        #expect(Timestamp.iso8601(CallCenterTime(millisecondsSinceEpoch: millis)) == text)
    }

    /// Should write any Int64 without trapping, clamping beyond the four-digit years.
    @Test(arguments: [Int64.min, Int64.min + 1, -62_167_219_200_001, 253_402_300_800_000, Int64.max, -86_400_001])
    func writesAnyInt64(millis: Int64) {
        let text = Timestamp.iso8601(CallCenterTime(millisecondsSinceEpoch: millis))
        #expect(text.utf8.count == 24)
        #expect(text.utf8.allSatisfy { $0 < 0x80 })
        if millis < Timestamp.range.lowerBound { #expect(text == "0000-01-01T00:00:00.000Z") }
        if millis > Timestamp.range.upperBound { #expect(text == "9999-12-31T23:59:59.999Z") }
    }

    /// Should agree with Foundation's ISO 8601 formatter (to the second) across the years 1900
    /// to 2200.
    @Test func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator)
            let millis = seconds * 1000 + Int64.random(in: 0...999, using: &generator)
            let text = Timestamp.iso8601(CallCenterTime(millisecondsSinceEpoch: millis))
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
            #expect(text.prefix(19) + "Z" == expected, "\(millis)")
        }
    }
}
