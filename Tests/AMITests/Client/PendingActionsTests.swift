import Foundation
import PBXTestSupport
import Testing

@testable import AMI

@Suite struct PendingActionsTests {
    /// Should complete each action with its own response while unrelated events pass through.
    @Test func correlatesResponsesAmidInterleavedEvents() {
        var pending = PendingActions<Int>()
        pending.add(actionID: "x1", action: "Ping", waiter: 1)
        pending.add(actionID: "x2", action: "QueueAdd", waiter: 2)

        let event = AMIMessage(["Event": "QueueMemberStatus", "Queue": "q1"])
        guard case .event = pending.receive(event) else {
            Issue.record("an unsolicited event must pass through")
            return
        }
        guard
            case .completed(let second, 2) = pending.receive(
                AMIMessage(["Response": "Error", "ActionID": "x2", "Message": "Already there"]))
        else {
            Issue.record("x2 should complete")
            return
        }
        #expect(second.isError)
        #expect(second.message == "Already there")
        #expect(second.action == "QueueAdd")
        #expect(throws: AMIClientError.actionFailed(action: "QueueAdd", message: "Already there")) {
            try second.checked()
        }
        guard
            case .completed(let first, 1) = pending.receive(
                AMIMessage(["Response": "Success", "ActionID": "x1", "Ping": "Pong"]))
        else {
            Issue.record("x1 should complete")
            return
        }
        #expect(!first.isError)
        #expect(first["Ping"] == "Pong")
        #expect(pending.isEmpty)
    }

    /// Should collect every list in the real login-and-initial-state transcript with the item
    /// counts Asterisk announced in `ListItems`.
    @Test func collectsEveryListOfTheInitialStateTranscript() throws {
        let messages = try decodeAMIMessages(Fixtures.bytes("login-and-initial-state.ami"))
        var pending = PendingActions<String>()
        let actions = [
            "a2": "QueueStatus", "a3": "QueueSummary", "a4": "ExtensionStateList",
            "a5": "DeviceStateList", "a6": "CoreShowChannels", "a7": "Status", "a8": "CoreSettings",
        ]
        for (id, name) in actions {
            pending.add(actionID: id, action: name, waiter: id)
        }
        var results: [String: AMIResponse] = [:]
        var events: [AMIMessage] = []
        var unknown = 0
        for message in messages {
            switch pending.receive(message) {
            case .completed(let response, let id): results[id] = response
            case .collected: break
            case .event: events.append(message)
            case .unknownResponse: unknown += 1
            case .late: Issue.record("nothing timed out")
            }
        }
        #expect(pending.isEmpty)
        #expect(results["a2"]?.events.count == 4)
        #expect(
            results["a2"]?.events.map { $0.eventName ?? "" } == [
                "QueueParams", "QueueParams", "QueueMember", "QueueMember",
            ])
        #expect(results["a2"]?.completion?["ListItems"] == "4")
        #expect(results["a2"]?.isList == true)
        #expect(results["a3"]?.events.count == 2)
        #expect(results["a4"]?.events.count == 5)
        #expect(results["a4"]?.events.allSatisfy { $0.eventName == "ExtensionStatus" } == true)
        #expect(results["a5"]?.events.count == 9)
        #expect(results["a6"]?.events.count == 0)
        #expect(results["a6"]?.completion?.eventName == "CoreShowChannelsComplete")
        #expect(results["a7"]?.events.count == 0)
        #expect(results["a8"]?.isList == false)
        #expect(results["a8"]?["AMIversion"] == "11.0.0")
        // Each list's item count matches its ListItems header.
        for (id, response) in results where response.isList {
            #expect(response.completion?["ListItems"] == "\(response.events.count)", "list \(id)")
        }
        // Login (a1), Ping a9, NoSuchAction a10, Logoff a11 were not registered, nor the three
        // answers without ActionID: seven unknown responses.
        #expect(unknown == 7)
        // FullyBooted, SuccessfulAuth, RequestBadFormat, and the items of the QueueSummary
        // sent without an ActionID pass through as events.
        #expect(
            events.map { $0.eventName ?? "" } == [
                "FullyBooted", "SuccessfulAuth", "QueueSummary", "QueueSummary", "QueueSummaryComplete",
                "RequestBadFormat",
            ])
    }

    /// Should deliver an OriginateResponse as an event even though it carries the Originate's
    /// ActionID, because the Originate's own response already completed it.
    @Test func originateResponseAfterItsResponseIsAnEvent() {
        var pending = PendingActions<Int>()
        pending.add(actionID: "o1", action: "Originate", waiter: 7)
        guard
            case .completed(let response, 7) = pending.receive(
                AMIMessage(["Response": "Success", "ActionID": "o1", "Message": "Originate successfully queued"])
            )
        else {
            Issue.record("the Originate response should complete it")
            return
        }
        #expect(response.message == "Originate successfully queued")
        guard
            case .event = pending.receive(
                AMIMessage(["Event": "OriginateResponse", "ActionID": "o1", "Response": "Failure"]))
        else {
            Issue.record("OriginateResponse should be an event")
            return
        }
    }

    /// Should report a response nobody waits for, with or without an ActionID.
    @Test func reportsUnknownResponses() {
        var pending = PendingActions<Int>()
        guard
            case .unknownResponse(actionID: "zz") = pending.receive(
                AMIMessage(["Response": "Success", "ActionID": "zz"]))
        else {
            Issue.record("expected unknownResponse")
            return
        }
        guard
            case .unknownResponse(actionID: nil) = pending.receive(AMIMessage(["Response": "Success", "Ping": "Pong"]))
        else {
            Issue.record("expected unknownResponse without id")
            return
        }
    }

    /// Should swallow the late response and list items of a timed-out action instead of
    /// passing them on as events, and forget the ID once the list completed.
    @Test func swallowsLateAnswersOfAbandonedActions() {
        var pending = PendingActions<Int>()
        pending.add(actionID: "t1", action: "QueueStatus", waiter: 1)
        let abandoned = pending.abandon(actionID: "t1")
        #expect(abandoned?.action == "QueueStatus")
        #expect(abandoned?.waiter == 1)
        #expect(pending.abandon(actionID: "t1") == nil)

        let late: [AMIMessage] = [
            AMIMessage(["Response": "Success", "ActionID": "t1", "EventList": "start"]),
            AMIMessage(["Event": "QueueParams", "Queue": "q1", "ActionID": "t1"]),
            AMIMessage(["Event": "QueueStatusComplete", "ActionID": "t1", "EventList": "Complete", "ListItems": "1"]),
        ]
        for message in late {
            guard case .late(actionID: "t1") = pending.receive(message) else {
                Issue.record("\(message) should be late")
                return
            }
        }
        // After the list completed the ID is forgotten.
        guard case .unknownResponse = pending.receive(late[0]) else {
            Issue.record("expected the ID to be forgotten")
            return
        }
    }

    /// Should bound the memory of abandoned IDs.
    @Test func boundsAbandonedIDs() {
        var pending = PendingActions<Int>()
        let total = PendingActions<Int>.abandonedLimit + 10
        for index in 0..<total {
            pending.add(actionID: "a\(index)", action: "Ping", waiter: index)
            _ = pending.abandon(actionID: "a\(index)")
        }
        guard case .unknownResponse = pending.receive(AMIMessage(["Response": "Success", "ActionID": "a0"])) else {
            Issue.record("the oldest abandoned ID should have been forgotten")
            return
        }
        guard case .late = pending.receive(AMIMessage(["Response": "Success", "ActionID": "a\(total - 1)"])) else {
            Issue.record("the newest abandoned ID should be remembered")
            return
        }
    }

    /// Should hand back every waiter, including half-collected lists, when the connection drops.
    @Test func removeAllReturnsEveryWaiter() {
        var pending = PendingActions<Int>()
        pending.add(actionID: "b", action: "Ping", waiter: 2)
        pending.add(actionID: "a", action: "QueueStatus", waiter: 1)
        _ = pending.receive(AMIMessage(["Response": "Success", "ActionID": "a", "EventList": "start"]))
        let all = pending.removeAll()
        #expect(all.map(\.waiter) == [1, 2])
        #expect(all.map(\.action) == ["QueueStatus", "Ping"])
        #expect(pending.isEmpty)
        guard case .event = pending.receive(AMIMessage(["Event": "QueueParams", "ActionID": "a"])) else {
            Issue.record("after removeAll nothing is collected")
            return
        }
    }
}

@Suite struct PendingActionsTranscriptTests {
    static let transcriptsWithSent: [String] = {
        ((try? Fixtures.transcriptNames()) ?? []).filter {
            FileManager.default.fileExists(atPath: Fixtures.directory.appendingPathComponent($0 + ".sent").path)
        }
    }()

    /// Should, for every real transcript, complete each action sent with an ActionID with the
    /// answer Asterisk gave, every list holding exactly `ListItems` items, and leave only
    /// events carrying no pending list's ActionID to the event consumer.
    @Test(arguments: Self.transcriptsWithSent)
    func correlatesEveryTranscript(name: String) throws {
        let sent = try decodeAMIMessages(Fixtures.bytes(name + ".sent"), expectBanner: false)
        let received = try decodeAMIMessages(Fixtures.bytes(name))
        var pending = PendingActions<String>()
        for action in sent {
            guard let id = action.actionID else { continue }
            pending.add(actionID: id, action: action.actionName ?? "", waiter: id)
        }
        var completed: [String: AMIResponse] = [:]
        for message in received {
            switch pending.receive(message) {
            case .completed(let response, let id):
                completed[id] = response
            case .collected:
                break
            case .event:
                // An event for a list still open would be a routing bug.
                if let id = message.actionID, let response = completed[id] {
                    #expect(!response.isList || message.eventName == "OriginateResponse", "\(name): \(message)")
                }
            case .unknownResponse(let id):
                #expect(id == nil, "\(name): response to an unregistered ActionID \(id ?? "")")
            case .late:
                Issue.record("\(name): nothing was abandoned")
            }
        }
        for (id, response) in completed where response.isList {
            let count = try #require(response.completion?["ListItems"], "\(name) \(id)")
            #expect(count == "\(response.events.count)", "\(name) \(id) \(response.action)")
            #expect(response.events.allSatisfy { $0.actionID == id })
        }
        // Only a failed login leaves actions unanswered (Asterisk ignores them).
        let unanswered = sent.compactMap(\.actionID).filter { completed[$0] == nil }
        if !name.contains("bad") {
            #expect(unanswered.isEmpty, "\(name): unanswered \(unanswered)")
        }
        #expect(!completed.isEmpty)
    }
}
