/// Home Assistant MQTT discovery (`homeassistant.enabled`): the retained config messages that
/// make Home Assistant create one device per agent and per queue, plus one for the bridge.
///
/// Pure: topics and payloads are a function of the prefix, the discovery prefix, the version
/// and the entity, so they are byte-identical across restarts and unique ids stay stable
/// (Home Assistant keeps its entities, their history and the user's renames). Payloads use
/// Home Assistant's full key names only, never the abbreviations (`stat_t`, `uniq_id`, …),
/// as its discovery documentation allows one or the other.
///
/// * bridge: a `binary_sensor` (device class `connectivity`) on `{p}/bridge/state`.
/// * agent: a `sensor` with the device state (`{p}/agent/{a}/extensionStatus`).
/// * queue: `sensor`s for callers waiting (`{p}/queue/{q}/count`), the longest wait, members
///   available and paused (`{p}/queue/{q}/stats`).
///
/// Every agent and queue entity has `availability` bound to `{p}/bridge/state`, so Home
/// Assistant shows them unavailable while the bridge is offline (its Last Will included).
public struct HomeAssistantDiscovery: Sendable, Hashable {
    /// `homeassistant.discoveryPrefix`, where Home Assistant listens (`homeassistant`).
    public let discoveryPrefix: String
    public let layout: TopicLayout
    public let version: String

    /// - Throws: when the discovery prefix could not be an MQTT topic prefix (empty, wildcards,
    ///   leading `$` or `/`, trailing `/`).
    public init(discoveryPrefix: String, layout: TopicLayout, version: String) throws(TopicLayoutError) {
        // The same rules as the bridge's own prefix.
        _ = try TopicLayout(prefix: discoveryPrefix)
        self.discoveryPrefix = discoveryPrefix
        self.layout = layout
        self.version = version
    }

    /// Home Assistant's birth and last-will topic: `online` there means it (re)started and
    /// wants every config again.
    public var statusTopic: String { self.discoveryPrefix + "/status" }

    /// One discovery message: its config topic and JSON payload.
    public struct Config: Sendable, Hashable {
        public var topic: String
        public var payload: [UInt8]
    }

    /// The config messages of `entity`, in a fixed order; empty when its id cannot be a topic
    /// segment (the bridge publishes no state for it either).
    public func configs(for entity: HomeAssistantEntity) -> [Config] {
        switch entity {
        case .bridge:
            return [self.bridgeConnectivity()]
        case .agent(let agent):
            guard let topic = try? self.layout.agent(agent, "extensionStatus") else { return [] }
            let device = Device(
                identifier: self.identifier("agent", agent), name: "Agent \(agent)", model: "Call-center agent")
            return [
                self.sensor(
                    device: device, object: "status", name: "Status", stateTopic: topic,
                    valueTemplate: "{{ value_json.status }}", icon: "mdi:face-agent",
                    options: Self.extensionStatuses)
            ]
        case .queue(let queue):
            guard let count = try? self.layout.queue(queue, "count"), let stats = try? self.layout.queue(queue, "stats")
            else { return [] }
            let device = Device(identifier: self.identifier("queue", queue), name: "Queue \(queue)", model: "Queue")
            return [
                self.sensor(
                    device: device, object: "waiting", name: "Callers waiting", stateTopic: count,
                    valueTemplate: "{{ value_json.count }}", icon: "mdi:phone-in-talk", unit: "callers",
                    stateClass: "measurement"),
                self.sensor(
                    device: device, object: "longest_wait", name: "Longest wait", stateTopic: stats,
                    valueTemplate: "{{ value_json.longestWaitSeconds }}", unit: "s", deviceClass: "duration",
                    stateClass: "measurement"),
                self.sensor(
                    device: device, object: "available", name: "Members available", stateTopic: stats,
                    valueTemplate: "{{ value_json.available }}", icon: "mdi:account-check", unit: "members",
                    stateClass: "measurement"),
                self.sensor(
                    device: device, object: "paused", name: "Members paused", stateTopic: stats,
                    valueTemplate: "{{ value_json.paused }}", icon: "mdi:account-clock", unit: "members",
                    stateClass: "measurement"),
            ]
        }
    }

    /// Whether `topic` is a config topic this bridge (this prefix) publishes:
    /// `{dp}/sensor|binary_sensor/pbx2mqtt_<prefix>_agent|queue|bridge_…/config`. Unambiguous:
    /// in a slug `_` is always followed by two hex digits, never by `agent`, `queue` or `bridge`.
    public func isOwnConfigTopic(_ topic: String) -> Bool {
        let start = self.discoveryPrefix + "/"
        guard topic.hasPrefix(start), topic.hasSuffix("/config") else { return false }
        let levels = topic.dropFirst(start.count).dropLast("/config".count).split(
            separator: "/", omittingEmptySubsequences: false)
        guard levels.count == 2, levels[0] == "sensor" || levels[0] == "binary_sensor" else { return false }
        let own = "pbx2mqtt_" + Self.slug(self.layout.prefix) + "_"
        guard levels[1].hasPrefix(own) else { return false }
        let rest = levels[1].dropFirst(own.count)
        return rest.hasPrefix("agent_") || rest.hasPrefix("queue_") || rest.hasPrefix("bridge_")
    }

    /// The config topics of `entity` (what a clear empties).
    public func topics(for entity: HomeAssistantEntity) -> [String] {
        self.configs(for: entity).map(\.topic)
    }

    /// The `extensionStatus` words (docs/mqtt-api.md), the agent sensor's `enum` options.
    static let extensionStatuses = [
        "not_inuse", "inuse", "busy", "unavailable", "ringing", "ringinuse", "onhold", "unknown",
    ]

    // MARK: Building blocks

    private struct Device {
        var identifier: String
        var name: String
        var model: String
    }

    private var bridgeIdentifier: String { self.identifier("bridge", nil) }

    /// `pbx2mqtt_<prefix>_<kind>[_<id>]`, each part reduced to Home Assistant's object-id
    /// characters `[a-zA-Z0-9_-]` reversibly (``slug(_:)``): stable, and distinct for distinct
    /// prefixes and ids.
    func identifier(_ kind: String, _ id: String?) -> String {
        var parts = ["pbx2mqtt", Self.slug(self.layout.prefix), kind]
        if let id { parts.append(Self.slug(id)) }
        return parts.joined(separator: "_")
    }

    /// Letters, digits and `-` kept; every other byte (`_` included, so the result stays
    /// unambiguous) written as `_` and two lowercase hex digits.
    static func slug(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16)
                result += "_" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    private func configTopic(component: String, objectID: String) -> String {
        "\(self.discoveryPrefix)/\(component)/\(objectID)/config"
    }

    private func bridgeConnectivity() -> Config {
        let objectID = self.bridgeIdentifier + "_connectivity"
        var json = JSONWriter()
        json.beginObject()
        json.field("name", "Bridge")
        json.field("unique_id", objectID)
        json.field("state_topic", self.layout.bridgeState)
        json.field("value_template", "{{ value_json.state }}")
        json.field("payload_on", "online")
        json.field("payload_off", "offline")
        json.field("device_class", "connectivity")
        json.field("entity_category", "diagnostic")
        json.field("qos", 1)
        self.writeDevice(
            Device(identifier: self.bridgeIdentifier, name: "pbx2mqtt (\(self.layout.prefix))", model: "Bridge"),
            viaBridge: false, into: &json)
        self.writeOrigin(into: &json)
        json.endObject()
        return Config(topic: self.configTopic(component: "binary_sensor", objectID: objectID), payload: json.bytes)
    }

    private func sensor(
        device: Device, object: String, name: String, stateTopic: String, valueTemplate: String, icon: String? = nil,
        unit: String? = nil, deviceClass: String? = nil, stateClass: String? = nil, options: [String]? = nil
    ) -> Config {
        let objectID = device.identifier + "_" + object
        var json = JSONWriter()
        json.beginObject()
        json.field("name", name)
        json.field("unique_id", objectID)
        json.field("state_topic", stateTopic)
        json.field("value_template", valueTemplate)
        json.field("qos", 1)
        if let options {
            json.field("device_class", "enum")
            json.key("options")
            json.beginArray()
            for option in options {
                json.value(option)
            }
            json.endArray()
        } else {
            json.field("device_class", deviceClass)
        }
        json.field("state_class", stateClass)
        json.field("unit_of_measurement", unit)
        json.field("icon", icon)
        json.key("availability")
        json.beginArray()
        json.beginObject()
        json.field("topic", self.layout.bridgeState)
        json.field("value_template", "{{ value_json.state }}")
        json.field("payload_available", "online")
        json.field("payload_not_available", "offline")
        json.endObject()
        json.endArray()
        self.writeDevice(device, viaBridge: true, into: &json)
        self.writeOrigin(into: &json)
        json.endObject()
        return Config(topic: self.configTopic(component: "sensor", objectID: objectID), payload: json.bytes)
    }

    private func writeDevice(_ device: Device, viaBridge: Bool, into json: inout JSONWriter) {
        json.key("device")
        json.beginObject()
        json.key("identifiers")
        json.beginArray()
        json.value(device.identifier)
        json.endArray()
        json.field("name", device.name)
        json.field("manufacturer", "pbx2mqtt")
        json.field("model", device.model)
        json.field("sw_version", self.version)
        if viaBridge {
            json.field("via_device", self.bridgeIdentifier)
        }
        json.endObject()
    }

    private func writeOrigin(into json: inout JSONWriter) {
        json.key("origin")
        json.beginObject()
        json.field("name", "pbx2mqtt")
        json.field("sw_version", self.version)
        json.endObject()
    }
}
