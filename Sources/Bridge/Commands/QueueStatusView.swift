import CallCenter

/// The `queue/status` answer: the published model of one queue or all of them, as
/// subscribers see it. Each state payload is encoded once, by the same encoder that publishes
/// it, and embedded as it is.
enum QueueStatusView {
    static func data(of model: CallCenterState, queue: String?) -> JSONValue {
        var queues: [String: [String: JSONValue]] = [:]
        var members: [String: [String: JSONValue]] = [:]
        for (key, value) in model.view {
            switch key {
            case .queueCount(let name) where queue == nil || queue == name:
                queues[name, default: [:]]["count"] = .encoded(PayloadEncoder.encode(value))
            case .queueStats(let name) where queue == nil || queue == name:
                queues[name, default: [:]]["stats"] = .encoded(PayloadEncoder.encode(value))
            case .agentQueueMemberStatus(let agent, let name) where queue == nil || queue == name:
                members[name, default: [:]][agent] = .encoded(PayloadEncoder.encode(value))
            default:
                continue
            }
        }
        for (name, agents) in members {
            queues[name, default: [:]]["members"] = .object(agents)
        }
        return .object(["queues": .object(queues.mapValues { .object($0) })])
    }
}
