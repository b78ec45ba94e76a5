import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

@testable import Bridge

/// Drives a `BridgeStateMachine` through a transcript with a fake clock, and reads its
/// actions the way the shell would carry them out.
struct MachineHarness {
    var machine: BridgeStateMachine
    var now: BridgeInstant
    /// The last SUBSCRIBE message id handed out, as libmosquitto counts them.
    var lastMid: Int32 = 0

    init(configuration: BridgeConfiguration = MachineHarness.configuration(), queueLimit: Int = 1000) {
        self.now = BridgeInstant(
            wall: CallCenterTime(millisecondsSinceEpoch: 1_767_225_600_000), uptime: .uptimeNanoseconds(1_000_000_000))
        self.machine = BridgeStateMachine(configuration: configuration, mqttQueueLimit: queueLimit, at: self.now)
    }

    static func configuration(prefix: String = "pbx", agents: [String] = []) -> BridgeConfiguration {
        var callCenter = CallCenterConfiguration()
        callCenter.trackedAgents = Set(agents)
        return BridgeConfiguration(
            // A valid literal prefix: the initialiser only throws for wildcards and slashes.
            layout: (try? TopicLayout(prefix: prefix)) ?? MachineHarness.fallbackLayout,
            callCenter: callCenter,
            amiHost: "pbx.example"
        )
    }

    private static let fallbackLayout: TopicLayout = {
        guard let layout = try? TopicLayout(prefix: "pbx") else { preconditionFailure("pbx is a valid prefix") }
        return layout
    }()

    mutating func advance(_ amount: TimeAmount) {
        self.now = self.now.advanced(by: amount)
    }

    /// Runs one input at the current time.
    mutating func feed(_ input: (inout BridgeStateMachine, BridgeInstant) -> [BridgeAction]) -> [BridgeAction] {
        input(&self.machine, self.now)
    }

    // MARK: Subscriptions

    /// Reports the subscriptions in `actions` sent, as the shell does, with fresh message ids
    /// (nil for those in `unsent`: not connected); returns the ids by filter.
    mutating func sendSubscriptions(
        in actions: [BridgeAction], unsent: Set<String> = [], into more: inout [BridgeAction]
    ) -> [String: Int32] {
        var mids: [String: Int32] = [:]
        for action in actions {
            guard case .subscribe(let filter, _, _, _) = action else { continue }
            var mid: Int32?
            if !unsent.contains(filter) {
                self.lastMid += 1
                mid = self.lastMid
                mids[filter] = self.lastMid
            }
            more += self.feed { $0.mqttSubscribeSent(filter, mid: mid, at: $1) }
        }
        return mids
    }

    /// Reports the subscriptions in `actions` sent and acknowledged by the broker at once.
    mutating func acknowledgeSubscriptions(in actions: [BridgeAction]) -> [BridgeAction] {
        var more: [BridgeAction] = []
        let mids = self.sendSubscriptions(in: actions, into: &more)
        for mid in mids.values.sorted() {
            more += self.feed { $0.mqttSubscribed(mid: mid, at: $1) }
        }
        return more
    }

    // MARK: Common steps

    static let info = AMIServerInfo(
        product: "Asterisk Call Manager", amiVersion: "11.0.0", host: "pbx.example", port: 5038)

    /// Starts, connects the broker, connects AMI and answers the state lists with `items`.
    mutating func startSynced(items: [[AMIMessage]] = MachineHarness.defaultLists) -> [BridgeAction] {
        var actions = self.feed { $0.start(at: $1) }
        actions += self.feed { $0.mqttConnected(at: $1) }
        actions += self.connectAMI(items: items)
        return actions
    }

    /// Connects AMI and answers its state-list requests with `items` (one array per list).
    mutating func connectAMI(items: [[AMIMessage]] = MachineHarness.defaultLists) -> [BridgeAction] {
        var actions = self.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        actions += self.answerStateLists(in: actions, items: items)
        return actions
    }

    mutating func answerStateLists(in actions: [BridgeAction], items: [[AMIMessage]]) -> [BridgeAction] {
        var more: [BridgeAction] = []
        for request in actions.amiRequests {
            guard case .stateList(_, let index) = request.request else { continue }
            let response = AMIResponse(
                action: request.action.name,
                response: AMIMessage(["Response": "Success", "EventList": "start"]),
                events: index < items.count ? items[index] : []
            )
            more += self.feed { $0.amiResponse(request.request, .success(response), at: $1) }
        }
        return more
    }

    /// The broker replays a retained `ringing` call of agent 147 (one that ended meanwhile) to
    /// the sweep, and a second later its harvest window ends: what the sweep then did.
    mutating func replayStaleCallAndEndHarvest() -> [BridgeAction] {
        _ = self.feed {
            $0.mqttMessage(
                MQTTMessage(
                    topic: "pbx/agent/147/call", text: #"{"agent":"147","state":"ringing"}"#, qos: .atMostOnce,
                    retain: true), at: $1)
        }
        self.advance(.seconds(1))
        return self.feed { $0.timerFired(.sweepWindow, at: $1) }
    }

    // MARK: AMI material

    static func extensionStatus(_ exten: String, status: Int) -> AMIMessage {
        AMIMessage([
            "Event": "ExtensionStatus", "Exten": exten, "Context": "default", "Hint": "Custom:\(exten)",
            "Status": "\(status)", "StatusText": "x",
        ])
    }

    /// The state lists of one agent, 147, idle (QueueStatus, QueueSummary, ExtensionStateList,
    /// CoreShowChannels).
    static let defaultLists: [[AMIMessage]] = [[], [], [extensionStatus("147", status: 0)], []]
}

// MARK: Reading actions

struct SentAMI: Equatable {
    var action: AMIAction
    var request: AMIRequest
}

struct Publication: Equatable, CustomStringConvertible {
    var topic: String
    var payload: String
    var retain: Bool
    var kind: PublishKind

    var description: String { "\(self.topic) \(self.retain ? "R" : "-") \(self.payload)" }
}

extension [BridgeAction] {
    var amiRequests: [SentAMI] {
        self.compactMap {
            if case .sendAMI(let action, let request, _) = $0 { return SentAMI(action: action, request: request) }
            return nil
        }
    }

    var publications: [Publication] {
        self.compactMap {
            let message: MQTTMessage
            let kind: PublishKind
            switch $0 {
            case .publish(let published, let publishedKind):
                message = published
                kind = publishedKind
            case .publishState(let published):
                message = published
                kind = .state
            default:
                return nil
            }
            return Publication(
                topic: message.topic, payload: String(decoding: message.payload, as: UTF8.self), retain: message.retain,
                kind: kind)
        }
    }

    var publishedTopics: [String] { self.publications.map(\.topic) }

    var logMessages: [String] {
        self.compactMap {
            if case .log(_, let message, _) = $0 { return message }
            return nil
        }
    }

    var scheduled: [BridgeTimer] {
        self.compactMap {
            if case .schedule(let timer, _) = $0 { return timer }
            return nil
        }
    }

    /// Publications on `topic`.
    func published(_ topic: String) -> [Publication] {
        self.publications.filter { $0.topic == topic }
    }
}
