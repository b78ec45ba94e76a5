import AMI
import AMISimulator
import Bridge
import CallCenter
import Foundation
import Logging
import MQTT
import NIOCore
import NIOPosix
import PBXTestSupport
import Synchronization

/// The whole command path for one test: the AMI simulator, a private mosquitto on a free port
/// and a `PBXBridge` between them, built like the daemon builds it (event filters, MQTT 5).
///
/// Use `CommandHarness.run { harness in … }`: it starts everything, waits until a command
/// round trip works, and stops all three afterwards even when the test throws.
final class CommandHarness: Sendable {
    static let prefix = "pbx"

    /// The policy the tests run under: internal extensions plus `555xxxx`, context `outbound`.
    static let testPolicy = CommandPolicy(
        allowDestinations: ["[0-9]{2,6}", "555[0-9]{4}"],
        originateContext: "from-internal",
        allowedContexts: ["outbound"],
        allowRawChannels: false,
        maxInFlight: 100,
        // Generous: the tests run on loaded 2-core machines; only the timeout test waits it out.
        timeoutSeconds: 5
    )

    let simulator: AMISimulator
    let broker: MosquittoBroker
    let bridge: PBXBridge
    /// An MQTT 5 client of the test, subscribed to `pbx/reply/#`, `pbx/event/#`, `pbx/agent/#`
    /// and `test/#`.
    let client: TestMQTTClient
    private let simulatorStopped = Mutex(false)
    /// Extra AMI connections that play the outside world (callers), closed by `stop()`.
    private let callers = Mutex<[AMIClient]>([])

    private init(simulator: AMISimulator, broker: MosquittoBroker, bridge: PBXBridge, client: TestMQTTClient) {
        self.simulator = simulator
        self.broker = broker
        self.bridge = bridge
        self.client = client
    }

    /// Starts simulator, broker, test client and bridge, runs `body`, then stops them all.
    /// - Parameters:
    ///   - startBridge: false leaves the bridge unstarted (`startBridge()`), e.g. to leave a
    ///     retained command on the broker first.
    static func run<T>(
        policy: CommandPolicy = CommandHarness.testPolicy,
        startBridge: Bool = true,
        _ body: (CommandHarness) async throws -> T
    ) async throws -> T {
        let harness = try await self.start(policy: policy)
        do {
            if startBridge {
                try await harness.startBridge()
            }
            let result = try await body(harness)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    private static func start(policy: CommandPolicy) async throws -> CommandHarness {
        var logger = Logger(label: "command-harness")
        logger.logLevel = ProcessInfo.processInfo.environment["PBX_TEST_LOG"] == nil ? .critical : .debug
        let simulator = try await AMISimulator.start(logger: logger)
        let broker: MosquittoBroker
        do {
            // Unbounded queues: mosquitto's default drops QoS 1 messages past 1000 queued for a
            // slow client, and the flood test must see every command reach the bridge.
            broker = try await MosquittoBroker.start(unboundedQueues: true)
        } catch {
            try? await simulator.shutdown()
            throw error
        }
        let layout = try TopicLayout(prefix: self.prefix)
        let ami = AMIClient(
            configuration: AMIConfiguration(
                host: simulator.host,
                port: simulator.port,
                username: SimulatorUser.bridge.username,
                secret: SimulatorUser.bridge.secret,
                authType: .md5,
                eventMask: "call,agent",
                filters: AMIEventFilter.regexes(
                    for: CallCenterConfiguration(
                        agentInterfaceTemplates: [policy.agentInterface],
                        stateInterfaceTemplates: [policy.agentStateInterface])),
                keepaliveInterval: .seconds(60),
                backoff: AMIConfiguration.Backoff(initial: .milliseconds(100), maximum: .milliseconds(500))
            ),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        let mqtt = try MQTTClient(
            configuration: MQTTConfiguration(
                host: broker.host, port: broker.port, clientID: "pbx2mqtt-test-\(UUID().uuidString.prefix(8))",
                protocolVersion: .v5
            ),
            logger: logger
        )
        let bridge = PBXBridge(
            configuration: BridgeConfiguration(
                layout: layout,
                callCenter: CallCenterConfiguration(
                    agentInterfaceTemplates: [policy.agentInterface],
                    stateInterfaceTemplates: [policy.agentStateInterface]
                ),
                commands: policy,
                amiHost: "\(simulator.host):\(simulator.port)"
            ),
            ami: ami,
            mqtt: mqtt,
            logger: logger
        )
        let client = try await TestMQTTClient.connect(
            broker: broker,
            subscriptions: ["\(self.prefix)/reply/#", "\(self.prefix)/event/#", "\(self.prefix)/agent/#", "test/#"])
        return CommandHarness(simulator: simulator, broker: broker, bridge: bridge, client: client)
    }

    /// Starts the bridge and waits until a command goes through (AMI synced, subscribed).
    func startBridge() async throws {
        try await self.bridge.start().get()
        try await self.waitUntilReady()
    }

    /// Polls with `queue/status` (no AMI action) until the bridge answers with AMI connected.
    func waitUntilReady(timeout: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var attempt = 0
        while Date() < deadline {
            attempt += 1
            let health = try await self.bridge.health().get()
            if health.amiConnected, health.mqttConnected, !health.syncing {
                let id = "ready-\(attempt)-\(UUID().uuidString.prefix(6))"
                self.client.publish("\(Self.prefix)/cmd/queue/status", json: #"{"id":"\#(id)"}"#)
                if (try? await self.client.waitForMessage(timeout: 0.5, where: { $0.json?["id"] as? String == id }))
                    != nil
                {
                    return
                }
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        throw HarnessError.notReady
    }

    /// Sends `json` to `{p}/cmd/{command}` (MQTT 5, with a fresh Response Topic and
    /// Correlation Data) and returns every reply that arrives until `until` holds for one.
    func request(
        _ command: String, _ json: String, until isLast: @escaping @Sendable (ReceivedMessage) -> Bool = { _ in true },
        timeout: Double = 15
    ) async throws -> [ReceivedMessage] {
        let token = UUID().uuidString
        let responseTopic = "test/replies/\(token)"
        self.client.publish(
            "\(Self.prefix)/cmd/\(command)", json: json,
            properties: MQTTProperties(responseTopic: responseTopic, correlationData: Array(token.utf8))
        )
        var replies: [ReceivedMessage] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let all = self.client.messages(on: responseTopic)
            if let last = all.last, isLast(last) {
                replies = all
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        guard !replies.isEmpty else { throw HarnessError.noReply(command: command, json: json) }
        for reply in replies where reply.message.properties.correlationData != Array(token.utf8) {
            throw HarnessError.wrongCorrelation(reply.text)
        }
        return replies
    }

    /// `request` for commands with one reply.
    func reply(_ command: String, _ json: String, timeout: Double = 15) async throws -> [String: Any] {
        let replies = try await self.request(command, json, timeout: timeout)
        return try requireJSON(replies.last)
    }

    /// `reply`, sent again while it is refused with `invalid_field` (nothing sent to Asterisk)
    /// for up to `timeout` seconds: for call control right after a call came up, which the
    /// bridge may not have seen bridged yet.
    func replyOnceReady(_ command: String, _ json: String, timeout: Double = 15) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let reply = try await self.reply(command, json)
            guard string(reply, "error", "code") == "invalid_field", Date() < deadline else { return reply }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Actions the simulator received that a command sent (keep-alives and the bridge's
    /// sync lists are not commands).
    func commandActions() async -> [ReceivedAction] {
        let sync: Set<String> = [
            "Login", "Challenge", "Ping", "Events", "Filter", "QueueStatus", "QueueSummary", "ExtensionStateList",
            "CoreShowChannels", "ParkedCalls", "DBGetTree", "Logoff",
        ]
        return await self.simulator.receivedActions().filter { !sync.contains($0.name) }
    }

    /// Places a caller into the queue behind `extension` (fixture dialplan: 100 → q1) from a
    /// second AMI connection, as a phone would, talking `talkSeconds` once answered.
    func placeQueueCall(extension exten: String = "100", talkSeconds: Int = 60) async throws {
        let caller = try await SimulatedCaller.place(
            on: self.simulator, user: .bridge, extension: exten, talkSeconds: talkSeconds)
        self.callers.withLock { $0.append(caller) }
    }

    /// Shuts the simulator down (AMI gone for good) before the test ends.
    func stopSimulator() async {
        let first = self.simulatorStopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        if first { try? await self.simulator.shutdown() }
    }

    func stop() async {
        _ = try? await self.bridge.shutdown(grace: .milliseconds(100)).get()
        for caller in self.callers.withLock({ $0 }) {
            _ = try? await caller.shutdown().get()
        }
        self.client.stop()
        await self.stopSimulator()
        self.broker.stop()
    }

    enum HarnessError: Error, CustomStringConvertible {
        case notReady
        case noReply(command: String, json: String)
        case wrongCorrelation(String)

        var description: String {
            switch self {
            case .notReady: "the bridge did not answer queue/status within 30 s"
            case .noReply(let command, let json): "no reply to \(command) \(json)"
            case .wrongCorrelation(let text): "a reply came back with other correlation data: \(text)"
            }
        }
    }
}

/// Unwraps a reply's JSON object or fails the test with its text.
func requireJSON(_ message: ReceivedMessage?) throws -> [String: Any] {
    guard let message, let json = message.json else {
        throw JSONError.notAnObject(message?.text ?? "<no message>")
    }
    return json
}

enum JSONError: Error, CustomStringConvertible {
    case notAnObject(String)

    var description: String {
        switch self {
        case .notAnObject(let text): "not a JSON object: \(text)"
        }
    }
}
