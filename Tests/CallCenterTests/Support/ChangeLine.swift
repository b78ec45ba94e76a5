import CallCenter
import Foundation

/// Renders changes as one readable, stable text line each, for golden files.
enum ChangeLine {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "<unencodable>" }
        return String(decoding: data, as: UTF8.self)
    }

    static func json(_ value: StateValue) -> String {
        switch value {
        case .extensionStatus(let v): json(v)
        case .name(let v): json(v)
        case .queueMemberStatus(let v): json(v)
        case .phoneNumber(let v): json(v)
        case .queueCount(let v): json(v)
        case .queueStats(let v): json(v)
        case .presence(let v): json(v)
        case .parking(let v): json(v)
        case .call(let v): json(v)
        case .conversations(let v): json(v.calls)
        }
    }

    /// `set <topic> <json>`, `clear <topic>` or `event <topic> <json>`.
    static func render(_ change: CallCenterChange) -> String {
        switch change {
        case .set(let key, let value):
            "set \(key) \(json(value))"
        case .clear(let key):
            "clear \(key)"
        case .event(.agentComplete(let e)):
            "event agent/\(e.agent)/agentComplete \(json(e))"
        case .event(.agentCalled(let e)):
            "event agent/\(e.agent)/agentCalled \(json(e))"
        case .event(.callerAbandon(let e)):
            "event queue/\(e.queue)/callerAbandon \(json(e))"
        case .event(.callState(let e)):
            "event call/\(e.call.linkedID)/event \(json(e))"
        }
    }
}
