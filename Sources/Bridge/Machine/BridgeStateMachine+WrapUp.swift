import AMI
import CallCenter
import Logging

/// Wrap-up: the ``WrapUps`` machine's steps become `QueuePause` actions and timers.
extension BridgeStateMachine {
    /// Feeds the call events of one applied packet to the wrap-up machine.
    mutating func wrapUp(after changes: [CallCenterChange], at now: BridgeInstant, into actions: inout [BridgeAction]) {
        for change in changes {
            guard case .event(.callState(let event)) = change else { continue }
            self.wrapUpSteps(self.wrapUps.callEvent(event, at: now.uptime), into: &actions)
        }
    }

    mutating func wrapUpSteps(_ steps: [WrapUps.Step], into actions: inout [BridgeAction]) {
        for step in steps {
            switch step {
            case .pause(let key):
                self.sendWrapUpPause(key, paused: true, into: &actions)
            case .unpause(let key):
                self.sendWrapUpPause(key, paused: false, into: &actions)
            case .schedule(let key, let deadline):
                actions.append(.schedule(.wrapUpEnd(agent: key.agent, queue: key.queue), at: deadline))
            case .cancel(let key):
                actions.append(.cancel(.wrapUpEnd(agent: key.agent, queue: key.queue)))
            }
        }
    }

    /// `QueuePause` of the agent's interface (the command templates) in the queue.
    private mutating func sendWrapUpPause(_ key: WrapUps.Key, paused: Bool, into actions: inout [BridgeAction]) {
        guard self.ami.isConnected else {
            actions.append(
                .log(
                    .warning, "wrap-up pause not sent: Asterisk is not connected",
                    [BridgeLogKey.wrapUpAgent: "\(key.agent)", BridgeLogKey.wrapUpQueue: "\(key.queue)"]))
            return
        }
        var fields = [
            AMIField("Queue", key.queue), AMIField("Interface", self.planner.policy.interface(for: key.agent)),
            AMIField("Paused", paused ? "true" : "false"),
        ]
        if paused { fields.append(AMIField("Reason", WrapUpRule.reason)) }
        actions.append(
            .sendAMI(
                AMIAction("QueuePause", fields), .wrapUp(agent: key.agent, queue: key.queue, paused: paused),
                timeout: nil))
    }

    /// Asterisk's answer to a wrap-up pause: a refusal is logged (the agent stays as it was).
    mutating func wrapUpAnswered(
        agent: String, queue: String, paused: Bool, _ result: Result<AMIResponse, AMIClientError>,
        into actions: inout [BridgeAction]
    ) {
        if case .failure(let error) = result.flatMap({ response in
            Result { () throws(AMIClientError) in try response.checked() }
        }) {
            actions.append(
                .log(
                    .warning, paused ? "wrap-up pause refused by Asterisk" : "wrap-up unpause refused by Asterisk",
                    [
                        BridgeLogKey.wrapUpAgent: "\(agent)", BridgeLogKey.wrapUpQueue: "\(queue)",
                        BridgeLogKey.amiError: "\(error)",
                    ]))
        }
    }
}
