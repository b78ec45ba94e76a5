import Foundation
import Logging
import MQTT
import PBXTestSupport
import Testing

/// A logger that discards output; tests assert on events, not log lines.
let quietLogger = Logger(label: "mqtt-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// A unique client id / topic root per test, so parallel suites never collide.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8))"
}

/// A started client for `broker`, after its first `.connected`.
func connectedClient(
    to broker: MosquittoBroker,
    protocolVersion: MQTTProtocolVersion = .v5,
    clientID: String = uniqueName("pbx"),
    will: MQTTMessage? = nil,
    subscriptions: [String] = [],
    recorder: EventRecorder
) async throws -> MQTTClient {
    let configuration = MQTTConfiguration(
        host: broker.host, port: broker.port, clientID: clientID,
        username: broker.username, password: broker.password,
        keepAliveSeconds: 10, protocolVersion: protocolVersion, will: will,
        reconnectDelayMinSeconds: 1, reconnectDelayMaxSeconds: 2)
    let client = try MQTTClient(configuration: configuration, logger: quietLogger)
    for filter in subscriptions {
        try client.subscribe(filter, qos: .atLeastOnce)
    }
    try client.start(onEvent: recorder.handler)
    let connected = await recorder.wait { $0.connectedCount >= 1 }
    try #require(connected, "client never connected; broker log:\n\(broker.logText.suffix(1500))")
    return client
}

/// `mosquitto_sub` waiting for `count` messages on `topic` (printed as `topic payload`), started
/// and subscribed (its `-d` output shows the SUBACK) before this returns.
func startSubscriber(
    _ broker: MosquittoBroker, topic: String, count: Int = 1, protocolVersion: MQTTProtocolVersion = .v5
) async throws -> RunningCommand {
    let version = protocolVersion == .v5 ? "mqttv5" : "mqttv311"
    // stdbuf: mosquitto_sub block-buffers stdout into a pipe, hiding the SUBACK line.
    let command = try RunningCommand(
        "/usr/bin/stdbuf",
        ["-oL", "/usr/bin/mosquitto_sub"] + broker.clientArguments + [
            "-V", version, "-d", "-v", "-q", "1", "-t", topic, "-C", "\(count)", "-W", "10",
        ])
    let subscribed = await command.waitForOutput(containing: "SUBACK", timeout: 5)
    try #require(subscribed, "mosquitto_sub did not subscribe: \(command.stdout) \(command.stderr)")
    return command
}
