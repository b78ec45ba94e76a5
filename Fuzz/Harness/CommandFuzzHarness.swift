import AMI
import Bridge
import CallCenter
import Foundation

/// A command message from a broker user: its topic and payload through the parser and the
/// planner, against a model of a busy call center built from a real transcript.
///
/// The input is the topic, a newline, then the payload bytes.
package enum CommandFuzzHarness {
    static let layout: TopicLayout = {
        guard let layout = try? TopicLayout(prefix: "pbx") else { fatalError("pbx is a valid prefix") }
        return layout
    }()

    /// The default policy, and one that lets every command through to the planner.
    static let policies = [
        CommandPolicy(),
        CommandPolicy(
            allowDestinations: ["[0-9*#+]{1,40}", ".*"], allowedContexts: ["outbound", "from-internal"],
            allowRawChannels: true, agentInterface: "PJSIP/{agent}"),
    ]

    /// Agents with live calls (login-and-initial-state-busy.ami), so that call-control commands
    /// find channels, bridges and peers to act on.
    static let model: CallCenterState = {
        let path = FuzzFiles.repositoryRoot + "/Tests/Fixtures/login-and-initial-state-busy.ami"
        guard let data = FileManager.default.contents(atPath: path) else {
            fatalError("cannot read \(path): the command fuzzer models its call center on it")
        }
        let frames = AMIFuzzHarness.decode([UInt8](data), split: data.count, expectBanner: true).frames
        var state = CallCenterState()
        for case .message(let message) in frames {
            _ = state.apply(message, at: CallCenterTime(millisecondsSinceEpoch: 1_795_618_199_000))
        }
        return state
    }()

    /// One input. Stops the process (a finding) when a reply is not JSON or when a command
    /// that passed validation would put a forbidden character on the AMI wire.
    package static func run(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let topic = String(decoding: bytes[..<newline], as: UTF8.self)
        let payload = Array(bytes[min(newline + 1, bytes.endIndex)...])
        let name = Self.layout.commandName(of: topic) ?? topic
        for policy in Self.policies {
            let parser = CommandParser(policy: policy)
            let routing = parser.routing(of: payload)
            if let replyTo = routing.replyTo { _ = Self.layout.isAllowedReplyTopic(replyTo) }
            switch parser.parse(command: name, payload: payload) {
            case .failure(let failure):
                Self.reply(CommandReply(id: failure.id, command: failure.name, status: .error, error: failure.error))
            case .success(let request):
                Self.carryOut(request, planner: CommandPlanner(policy: policy))
            }
        }
    }

    static func carryOut(_ request: CommandRequest, planner: CommandPlanner) {
        let command = request.name.rawValue
        switch planner.plan(request.command, model: Self.model) {
        case .failure(let error):
            Self.reply(CommandReply(id: request.id, command: command, status: .error, error: error))
        case .success(let plan):
            let actions: [AMIAction]
            switch plan {
            case .answer(let data):
                Self.reply(CommandReply(id: request.id, command: command, status: .ok, data: data))
                actions = []
            case .resync: actions = []
            case .single(let action, _), .originate(let action, _), .park(let action, _): actions = [action]
            case .perQueue(let steps): actions = steps.map(\.action)
            }
            for action in actions {
                do {
                    try AMIMessageEncoder.validate(action.message(actionID: "fuzz-1"))
                } catch {
                    fatalError("\(command) passed validation but its \(action.name) cannot be sent: \(error)")
                }
            }
        }
    }

    static func reply(_ reply: CommandReply) {
        FuzzCheck.json(reply.payload(), "the \(reply.status.rawValue) reply to \(reply.command)")
    }
}
