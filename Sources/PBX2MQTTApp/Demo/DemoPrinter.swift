import Bridge
import Logging
import MQTT
import ServiceLifecycle

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Prints the bridge's topics as a subscriber sees them, one compact line per message: the
/// demo's proof that the whole chain (simulator → AMI → model → MQTT broker) is live.
final class DemoPrinter: Service, Sendable {
    private let client: MQTTClient
    private let prefix: String
    private let banner: String

    init(configuration: AppConfiguration, demo: DemoEnvironment, logger: Logger) throws {
        self.prefix = configuration.mqtt.prefix
        self.client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: configuration.mqtt.host,
                port: configuration.mqtt.port,
                clientID: "pbx2mqtt-demo-printer-\(getpid())",
                username: configuration.mqtt.username,
                password: configuration.mqtt.password?.value
            ),
            logger: Logger(label: "demo-printer", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let broker = "\(configuration.mqtt.host):\(configuration.mqtt.port)"
        self.banner = """
            pbx2mqtt demo — a simulated call center (\(demo.options.agents) agents, \(demo.options.queues) queues, \
            \(demo.options.callsPerSecond) calls/s) bridged to MQTT at \(broker).
            Watch it from another terminal too:  mosquitto_sub -h \(configuration.mqtt.host) -p \(configuration.mqtt.port) -t '\(configuration.mqtt.prefix)/#' -v
            Ctrl-C stops everything.

            """
    }

    func run() async throws {
        StandardStream.output.write(self.banner)
        let prefix = self.prefix
        try self.client.subscribe(prefix + "/#", qos: .atMostOnce)
        try self.client.start { event in
            guard case .message(let message) = event else { return }
            let line = DemoLine.format(message, prefix: prefix, at: Date())
            StandardStream.output.write(line + "\n")
        }
        try? await gracefulShutdown()
        self.client.stop()
    }
}

/// One printed line: time, topic below the prefix, and the payload's gist.
enum DemoLine {
    static func format(_ message: MQTTMessage, prefix: String, at date: Date) -> String {
        let topic =
            message.topic.hasPrefix(prefix + "/") ? String(message.topic.dropFirst(prefix.count + 1)) : message.topic
        let clock = Self.clock(date)
        let padded = topic.count < 40 ? topic + String(repeating: " ", count: 40 - topic.count) : topic
        guard !message.payload.isEmpty else { return "\(clock)  \(padded)  (cleared)" }
        guard case .object(let json)? = JSONValue.parse(message.payload) else {
            return "\(clock)  \(padded)  \(message.text)"
        }
        return "\(clock)  \(padded)  \(Self.gist(topic: topic, json))"
    }

    static func gist(topic: String, _ json: [String: JSONValue]) -> String {
        func text(_ key: String) -> String {
            switch json[key] {
            case .string(let value)?: value
            case .number(let value)?: value == value.rounded() ? String(Int(value)) : String(value)
            case .bool(let value)?: String(value)
            default: ""
            }
        }
        let leaf = topic.split(separator: "/").dropFirst(2).first.map(String.init) ?? ""
        switch leaf {
        case "extensionStatus": return text("status")
        case "name": return text("name")
        case "queueMemberStatus":
            let paused = text("paused") == "true" ? " (paused: \(text("pausedReason")))" : ""
            return "\(text("status"))\(paused) calls=\(text("callsTaken"))"
        case "phoneNumber": return "talking to \(text("number")) \(text("name"))".trimmingSpaces
        case "count": return "waiting=\(text("count"))"
        case "stats":
            return
                "waiting=\(text("waiting")) members=\(text("members")) available=\(text("available")) paused=\(text("paused")) completed=\(text("completed")) abandoned=\(text("abandoned"))"
        case "agentCalled": return "ringing: \(text("number")) from \(text("queue"))"
        case "agentComplete":
            return "call done: talk \(text("talkTime"))s, hold \(text("holdTime"))s, ended by \(text("reason"))"
        case "callerAbandon": return "caller gave up after \(text("holdTime"))s at position \(text("position"))"
        default:
            return json.keys.sorted().map { "\($0)=\(text($0))" }.joined(separator: " ")
        }
    }

    private static func clock(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let millis = Int((seconds * 1000).rounded()) % 86_400_000
        let h = millis / 3_600_000
        let m = millis / 60_000 % 60
        let s = millis / 1000 % 60
        let ms = millis % 1000
        func pad(_ v: Int, _ n: Int) -> String {
            String(repeating: "0", count: max(0, n - String(v).count)) + String(v)
        }
        return "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(ms, 3))"
    }
}
