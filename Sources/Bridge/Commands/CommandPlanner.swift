import AMI
import CallCenter

/// Turns a validated command and the model into the AMI actions that carry it out.
///
/// Pure: it reads the model (which channel an agent talks on) and the policy (agent
/// templates), sends nothing and keeps nothing, so each command's actions are tested without
/// Asterisk. Everything that can refuse a command without asking Asterisk refuses it here.
public struct CommandPlanner: Sendable {
    public var policy: CommandPolicy
    /// The bridge's topics, which `state/get` answers with.
    public var layout: TopicLayout

    public init(policy: CommandPolicy, layout: TopicLayout = .standard) {
        self.policy = policy
        self.layout = layout
    }

    public func plan(_ command: Command, model: CallCenterState) -> Result<CommandPlan, CommandError> {
        do {
            return .success(try self.makePlan(command, model: model))
        } catch {
            return .failure(error)
        }
    }

    private func makePlan(_ command: Command, model: CallCenterState) throws(CommandError) -> CommandPlan {
        switch command {
        case .originate(let originate):
            return .originate(
                self.originateAction(originate),
                waitSeconds: Double(originate.timeoutSeconds) + self.policy.timeoutSeconds
            )

        case .queueAdd(let queues, let agent, let memberName, let penalty, let paused):
            return .perQueue(
                queues.map { queue in
                    var fields = [AMIField("Queue", queue), AMIField("Interface", self.policy.interface(for: agent))]
                    if let memberName { fields.append(AMIField("MemberName", memberName)) }
                    if let penalty { fields.append(AMIField("Penalty", String(penalty))) }
                    if let paused { fields.append(AMIField("Paused", paused ? "true" : "false")) }
                    fields.append(AMIField("StateInterface", self.policy.stateInterface(for: agent)))
                    return CommandPlan.QueueStep(queue: queue, action: AMIAction("QueueAdd", fields))
                }
            )

        case .queueRemove(let queues, let agent):
            return .perQueue(
                queues.map { queue in
                    CommandPlan.QueueStep(
                        queue: queue,
                        action: AMIAction(
                            "QueueRemove",
                            [AMIField("Queue", queue), AMIField("Interface", self.policy.interface(for: agent))]
                        )
                    )
                }
            )

        case .queuePause(let queues, let agent, let paused, let reason):
            func pause(_ queue: String?) -> AMIAction {
                var fields = [
                    AMIField("Interface", self.policy.interface(for: agent)),
                    AMIField("Paused", paused ? "true" : "false"),
                ]
                if let queue { fields.insert(AMIField("Queue", queue), at: 0) }
                if let reason { fields.append(AMIField("Reason", reason)) }
                return AMIAction("QueuePause", fields)
            }
            if queues.isEmpty {
                return .single(pause(nil), data: nil)
            }
            return .perQueue(queues.map { CommandPlan.QueueStep(queue: $0, action: pause($0)) })

        case .queueReset(let queue):
            return .single(AMIAction("QueueReset", queue.map { [AMIField("Queue", $0)] } ?? []), data: nil)

        case .queueStatus(let queue):
            return .answer(QueueStatusView.data(of: model, queue: queue))

        case .stateGet(let filter, let after):
            return .answer(StateSnapshotView.data(of: model, layout: self.layout, filter: filter, after: after))

        case .bridgeResync:
            return .resync

        case .wrapUpEnd(let agent, let queues):
            // The bridge has narrowed `queues` to the agent's wrap-ups under way.
            return .perQueue(
                queues.map { queue in
                    CommandPlan.QueueStep(
                        queue: queue,
                        action: AMIAction(
                            "QueuePause",
                            [
                                AMIField("Queue", queue), AMIField("Interface", self.policy.interface(for: agent)),
                                AMIField("Paused", "false"),
                            ]))
                })

        case .hangup(let target):
            let channel = try self.channel(for: target, peer: false, model: model)
            return .single(AMIAction("Hangup", [AMIField("Channel", channel)]), data: Self.channelData(channel))

        case .redirect(let target, let to, let context):
            let channel = try self.channel(for: target, peer: true, model: model)
            let action = AMIAction(
                "Redirect",
                [
                    AMIField("Channel", channel), AMIField("Exten", to), AMIField("Context", context),
                    AMIField("Priority", "1"),
                ]
            )
            return .single(action, data: Self.channelData(channel))

        case .park(let target, let announceTo):
            let channel = try self.channel(for: target, peer: true, model: model)
            return .park(
                try self.parkAction(channel, target: target, announceTo: announceTo, model: model), channel: channel)
        }
    }

    private func originateAction(_ originate: Command.Originate) -> AMIAction {
        var fields = [
            AMIField("Channel", self.policy.interface(for: originate.from)),
            AMIField("Context", originate.context),
            AMIField("Exten", originate.to),
            AMIField("Priority", "1"),
            AMIField("Timeout", String(originate.timeoutSeconds * 1000)),
            AMIField("Async", "true"),
        ]
        if let callerID = originate.callerID { fields.append(AMIField("CallerID", callerID)) }
        for key in originate.variables.keys.sorted() {
            fields.append(AMIField("Variable", "\(key)=\(originate.variables[key] ?? "")"))
        }
        return AMIAction("Originate", fields)
    }

    /// Park-and-announce. Parked by agent, the agent's own channel is the `TimeoutChannel`:
    /// Asterisk announces the space to it and calls it back when the parked call times out.
    /// `announceTo` names an agent whose current channel hears the announcement instead.
    private func parkAction(
        _ channel: String, target: Command.Target, announceTo: String?, model: CallCenterState
    ) throws(CommandError) -> AMIAction {
        var fields = [AMIField("Channel", channel)]
        if case .agent(let agent) = target,
            let own = model.calls(ofAgent: agent).first(where: { $0.peerChannel == channel })?.channel
        {
            fields.append(AMIField("TimeoutChannel", own))
        }
        if let announceTo {
            let channels = model.channels(ofAgent: announceTo)
            guard channels.count == 1 else {
                throw CommandError(
                    .invalidField,
                    channels.isEmpty
                        ? "announceTo: agent \(announceTo) has no channel to announce to"
                        : "announceTo: agent \(announceTo) has \(channels.count) channels",
                    field: "announceTo",
                    candidates: channels.isEmpty ? nil : channels
                )
            }
            fields.append(AMIField("AnnounceChannel", channels[0]))
        }
        return AMIAction("Park", fields)
    }

    /// The channel a call-control command acts on: the named raw channel, or for an agent
    /// its own channel (`peer` false) or the party it talks to (`peer` true). Several
    /// candidates are an error listing them, like pbxis-ws.
    private func channel(for target: Command.Target, peer: Bool, model: CallCenterState) throws(CommandError)
        -> String
    {
        switch target {
        case .channel(let channel):
            return channel
        case .agent(let agent):
            let channels = peer ? model.peerChannels(ofAgent: agent) : model.channels(ofAgent: agent)
            switch channels.count {
            case 1:
                return channels[0]
            case 0:
                throw CommandError(
                    .invalidField, "agent: agent \(agent) has no \(peer ? "call" : "channel") right now", field: "agent"
                )
            default:
                throw CommandError(
                    .invalidField,
                    "agent: agent \(agent) has \(channels.count) \(peer ? "calls" : "channels"); name one with `channel`",
                    field: "agent",
                    candidates: channels
                )
            }
        }
    }

    private static func channelData(_ channel: String) -> JSONValue {
        .object(["channel": .string(channel)])
    }
}
