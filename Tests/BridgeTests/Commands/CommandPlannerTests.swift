import AMI
import CallCenter
import Testing

@testable import Bridge

/// The planner: each command's AMI actions, or its refusal, from the command and the model.
struct CommandPlannerTests {
    let planner = CommandPlanner(policy: CommandPolicy())

    /// A model with agent 147 talking to an outside caller.
    static let talking: CallCenterState = {
        var model = CallCenterState()
        let at = CallCenterTime(millisecondsSinceEpoch: 0)
        for event in [
            AMIMessage([
                "Event": "Newchannel", "Channel": "Local/147@agents-00000001;1", "Uniqueid": "1.1", "Linkedid": "1.0",
                "CallerIDNum": "147", "Exten": "147",
            ]),
            AMIMessage([
                "Event": "Newchannel", "Channel": "PJSIP/trunk-00000001", "Uniqueid": "1.0", "Linkedid": "1.0",
                "CallerIDNum": "5551234", "Exten": "300",
            ]),
            AMIMessage([
                "Event": "BridgeEnter", "BridgeUniqueid": "b1", "Channel": "Local/147@agents-00000001;1",
                "Uniqueid": "1.1", "Linkedid": "1.0",
            ]),
            AMIMessage([
                "Event": "BridgeEnter", "BridgeUniqueid": "b1", "Channel": "PJSIP/trunk-00000001", "Uniqueid": "1.0",
                "Linkedid": "1.0",
            ]),
        ] {
            _ = model.apply(event, at: at)
        }
        return model
    }()

    /// Should add an agent to each queue with its interface, state interface and options.
    @Test func queueAddPlansOneActionPerQueue() throws {
        let plan = try self.planner.plan(
            .queueAdd(queues: ["q1", "q2"], agent: "147", name: "Alice", penalty: 2, paused: true),
            model: CallCenterState()
        ).get()
        guard case .perQueue(let steps) = plan else {
            Issue.record("not per queue: \(plan)")
            return
        }
        #expect(steps.map(\.queue) == ["q1", "q2"])
        #expect(
            steps.first?.action
                == AMIAction(
                    "QueueAdd",
                    [
                        AMIField("Queue", "q1"), AMIField("Interface", "Local/147@agents/n"),
                        AMIField("MemberName", "Alice"),
                        AMIField("Penalty", "2"), AMIField("Paused", "true"), AMIField("StateInterface", "Custom:147"),
                    ]))
    }

    /// Should pause in every queue with one action when no queue is named.
    @Test func pauseWithoutQueueIsOneAction() throws {
        let plan = try self.planner.plan(
            .queuePause(queues: [], agent: "147", paused: false, reason: nil), model: CallCenterState()
        ).get()
        #expect(
            plan
                == .single(
                    AMIAction(
                        "QueuePause", [AMIField("Interface", "Local/147@agents/n"), AMIField("Paused", "false")]),
                    data: nil))
    }

    /// Should hang up the agent's own channel and redirect the party it talks to.
    @Test func callControlFindsTheChannelsInTheModel() throws {
        let hangup = try self.planner.plan(.hangup(.agent("147")), model: Self.talking).get()
        #expect(hangup.actions.first?.fields == [AMIField("Channel", "Local/147@agents-00000001;1")])
        let redirect = try self.planner.plan(
            .redirect(.agent("147"), to: "200", context: "from-internal"), model: Self.talking
        )
        .get()
        #expect(redirect.actions.first?.fields.first == AMIField("Channel", "PJSIP/trunk-00000001"))
    }

    /// Should refuse call control for an agent without a call, naming the field.
    @Test func agentWithoutACallIsRefused() {
        let result = self.planner.plan(.hangup(.agent("148")), model: Self.talking)
        guard case .failure(let error) = result else {
            Issue.record("planned: \(result)")
            return
        }
        #expect(error.code == .invalidField)
        #expect(error.field == "agent")
    }

    /// Should park the party the agent talks to, with the agent's channel as TimeoutChannel.
    @Test func parkByAgentAnnouncesToTheAgent() throws {
        let plan = try self.planner.plan(.park(.agent("147"), announceTo: nil), model: Self.talking).get()
        #expect(
            plan
                == .park(
                    AMIAction(
                        "Park",
                        [
                            AMIField("Channel", "PJSIP/trunk-00000001"),
                            AMIField("TimeoutChannel", "Local/147@agents-00000001;1"),
                        ]),
                    channel: "PJSIP/trunk-00000001"))
    }

    /// Should originate from the agent's interface to the destination, asynchronously.
    @Test func originateIsAsyncAndWaitsForTheCallAndTheCommandTimeout() throws {
        let plan = try self.planner.plan(
            .originate(
                Command.Originate(
                    from: "147", to: "200", context: "from-internal", callerID: nil, variables: ["B": "2", "A": "1"],
                    timeoutSeconds: 30)),
            model: CallCenterState()
        ).get()
        guard case .originate(let action, let wait) = plan else {
            Issue.record("not an originate: \(plan)")
            return
        }
        #expect(wait == 40)
        #expect(action.fields.contains(AMIField("Async", "true")))
        #expect(action.fields.filter { $0.key == "Variable" }.map(\.value) == ["A=1", "B=2"])
    }

    /// Should answer queue/status from the model with each published payload embedded once.
    @Test func queueStatusEmbedsThePublishedPayloads() throws {
        var model = CallCenterState()
        _ = model.apply(
            AMIMessage([
                "Event": "QueueMemberAdded", "Queue": "q1", "MemberName": "Alice", "Interface": "Local/147@agents/n",
                "StateInterface": "Custom:147", "Membership": "dynamic", "Penalty": "0", "CallsTaken": "0",
                "LastCall": "0", "Status": "1", "Paused": "0", "PausedReason": "",
            ]),
            at: CallCenterTime(millisecondsSinceEpoch: 0))
        let plan = try self.planner.plan(.queueStatus(queue: "q1"), model: model).get()
        guard case .answer(let data?) = plan else {
            Issue.record("not an answer: \(plan)")
            return
        }
        var writer = JSONWriter()
        writer.value(data)
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text.contains(#""members":{"147":{"agent":"147","queue":"q1","status":"not_inuse""#))
        #expect(JSONValue.parse(writer.bytes) != nil)
    }
}
