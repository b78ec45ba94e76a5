import CallCenter
import Foundation
import PBXTestSupport
import Testing

@testable import Bridge

/// The discovery configs themselves (pure): schema, ids, availability, devices.
@Suite struct HomeAssistantDiscoveryTests {
    static func discovery(prefix: String = "pbx", discoveryPrefix: String = "homeassistant") throws
        -> HomeAssistantDiscovery
    {
        try HomeAssistantDiscovery(
            discoveryPrefix: discoveryPrefix, layout: try TopicLayout(prefix: prefix), version: "1.2.3")
    }

    static let entities: [HomeAssistantEntity] = [
        .bridge, .agent("147"), .agent("sales/eu agent"), .agent("Zoë_1"), .queue("q1"), .queue("support+vip"),
    ]

    static func json(_ config: HomeAssistantDiscovery.Config) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(config.payload)) as? [String: Any])
    }

    /// Should follow Home Assistant's documented discovery schema for every entity, under the
    /// default and under a nested discovery prefix.
    @Test(arguments: ["homeassistant", "site/ha"])
    func everyConfigFollowsTheSchema(discoveryPrefix: String) throws {
        let discovery = try Self.discovery(discoveryPrefix: discoveryPrefix)
        for entity in Self.entities {
            let configs = discovery.configs(for: entity)
            #expect(!configs.isEmpty, "\(entity)")
            for config in configs {
                let problems = HomeAssistantSchema.problems(
                    topic: config.topic, payload: Data(config.payload), discoveryPrefix: discoveryPrefix)
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }

    /// Should bind every agent and queue entity's availability to `{p}/bridge/state`, and make
    /// the bridge a connectivity binary sensor on that same topic.
    @Test func availabilityFollowsTheBridge() throws {
        let discovery = try Self.discovery(prefix: "acme/pbx")
        for entity in Self.entities where entity != .bridge {
            for config in discovery.configs(for: entity) {
                let availability = try #require(try Self.json(config)["availability"] as? [[String: String]])
                #expect(
                    availability == [
                        [
                            "topic": "acme/pbx/bridge/state", "value_template": "{{ value_json.state }}",
                            "payload_available": "online", "payload_not_available": "offline",
                        ]
                    ])
            }
        }
        let bridge = try #require(discovery.configs(for: .bridge).first)
        let json = try Self.json(bridge)
        #expect(bridge.topic.hasPrefix("homeassistant/binary_sensor/"))
        #expect(json["state_topic"] as? String == "acme/pbx/bridge/state")
        #expect(json["device_class"] as? String == "connectivity")
        #expect(json["payload_on"] as? String == "online" && json["payload_off"] as? String == "offline")
        #expect(json["availability"] == nil, "the bridge's own sensor must show offline, not unavailable")
    }

    /// Should point each sensor at the contract's topics and fields.
    @Test func sensorsReadTheContractTopics() throws {
        let discovery = try Self.discovery()
        let agent = try discovery.configs(for: .agent("147")).map(Self.json)
        #expect(agent.map { $0["state_topic"] as? String } == ["pbx/agent/147/extensionStatus"])
        #expect(agent.first?["value_template"] as? String == "{{ value_json.status }}")
        #expect((agent.first?["options"] as? [String])?.contains("not_inuse") == true)
        let queue = try discovery.configs(for: .queue("sales/eu")).map(Self.json)
        #expect(
            queue.map { $0["state_topic"] as? String } == [
                "pbx/queue/sales%2Feu/count", "pbx/queue/sales%2Feu/stats", "pbx/queue/sales%2Feu/stats",
                "pbx/queue/sales%2Feu/stats",
            ])
        #expect(
            queue.map { $0["value_template"] as? String } == [
                "{{ value_json.count }}", "{{ value_json.longestWaitSeconds }}", "{{ value_json.available }}",
                "{{ value_json.paused }}",
            ])
        let device = try #require(queue.first?["device"] as? [String: Any])
        #expect(device["via_device"] as? String == "pbx2mqtt_pbx_bridge")
        #expect(device["sw_version"] as? String == "1.2.3")
    }

    /// Should give the same bytes for the same input (stable across restarts) and distinct
    /// unique ids and topics for distinct entities, prefixes included.
    @Test func idsAreStableAndDistinct() throws {
        let first = try Self.discovery()
        let second = try Self.discovery()
        let other = try Self.discovery(prefix: "pbx2")
        var uniqueIDs: Set<String> = []
        var topics: Set<String> = []
        let agents: [HomeAssistantEntity] = [.agent("a_b"), .agent("a/b"), .agent("a_2fb"), .agent("a-b")]
        for entity in Self.entities + agents {
            #expect(first.configs(for: entity) == second.configs(for: entity))
            for config in first.configs(for: entity) + other.configs(for: entity) {
                let id = try #require(try Self.json(config)["unique_id"] as? String)
                #expect(uniqueIDs.insert(id).inserted, "\(id) twice")
                #expect(topics.insert(config.topic).inserted, "\(config.topic) twice")
            }
        }
        #expect(HomeAssistantDiscovery.slug("a_b/c") == "a_5fb_2fc")
    }

    /// Should refuse a discovery prefix that cannot be a topic prefix, and skip ids that
    /// cannot be a topic segment (the bridge publishes nothing for them either).
    @Test func refusesBadPrefixesAndSkipsUnpublishableIDs() throws {
        for prefix in ["", "home/#", "/ha", "ha/", "$SYS"] {
            #expect(throws: TopicLayoutError.self) { try Self.discovery(discoveryPrefix: prefix) }
        }
        #expect(try Self.discovery().configs(for: .agent("  ")).isEmpty)
    }

    /// The schema check itself: each kind of mistake it must catch.
    @Test(arguments: [
        (
            "homeassistant/sensor/x/config", #"{"stat_t":"a","unique_id":"x","device":{"identifiers":["d"]}}"#,
            "abbreviated key stat_t"
        ),
        (
            "homeassistant/sensor/x/config", #"{"unique_id":"x","device":{"identifiers":["d"]}}"#,
            "state_topic (required)"
        ),
        (
            "homeassistant/sensor/x/config", #"{"state_topic":"a","unique_id":"x","device":{"name":"d"}}"#,
            "neither identifiers"
        ),
        (
            "homeassistant/sensor/x/config",
            #"{"state_topic":"a","unique_id":"x","device":{"identifiers":["d"]},"availability":[{"topic":"t"}],"availability_topic":"t"}"#,
            "together"
        ),
        (
            "homeassistant/sensor/a.b/config", #"{"state_topic":"a","unique_id":"a.b","device":{"identifiers":["d"]}}"#,
            "outside [a-zA-Z0-9_-]"
        ),
        (
            "homeassistant/sensor/x/config",
            #"{"state_topic":"a","unique_id":"x","device":{"identifiers":["d"],"ids":["d"]}}"#, "abbreviated key ids"
        ),
        (
            "homeassistant/sensor/x/config",
            #"{"state_topic":"a","unique_id":"x","colour":"red","device":{"identifiers":["d"]}}"#, "colour is not"
        ),
        (
            "homeassistant/light/x/config", #"{"state_topic":"a","unique_id":"x","device":{"identifiers":["d"]}}"#,
            "neither sensor"
        ),
        ("homeassistant/sensor/x/state", #"{}"#, "not <discovery_prefix>"),
    ])
    func schemaCheckCatchesMistakes(topic: String, payload: String, problem: String) {
        let problems = HomeAssistantSchema.problems(
            topic: topic, payload: Data(payload.utf8), discoveryPrefix: "homeassistant")
        #expect(problems.contains { $0.contains(problem) }, "\(problems)")
    }

    /// Should recognise exactly this bridge's config topics (for the stale sweep).
    @Test func recognisesItsOwnConfigTopics() throws {
        let discovery = try Self.discovery(prefix: "pbx")
        for entity in Self.entities {
            for config in discovery.configs(for: entity) {
                #expect(discovery.isOwnConfigTopic(config.topic), "\(config.topic)")
            }
        }
        let others = try Self.discovery(prefix: "pbx_agent")
        for entity in Self.entities {
            for config in others.configs(for: entity) {
                #expect(!discovery.isOwnConfigTopic(config.topic), "\(config.topic)")
            }
        }
        for topic in [
            "homeassistant/sensor/zigbee_kitchen/config", "homeassistant/light/pbx2mqtt_pbx_agent_1_status/config",
            "homeassistant/sensor/pbx2mqtt_pbx_agent_1_status/state", "other/sensor/pbx2mqtt_pbx_agent_1_status/config",
            "homeassistant/sensor/node/pbx2mqtt_pbx_agent_1_status/config",
        ] {
            #expect(!discovery.isOwnConfigTopic(topic), "\(topic)")
        }
    }

    /// Should give a device to agents (with their current call) and queues only: extension
    /// presence, conversations and parkings belong to no Home Assistant device.
    @Test func stateKeysMapToAgentQueueOrNoDevice() {
        #expect(HomeAssistantEntity(.agentCall(agent: "147")) == .agent("147"))
        #expect(HomeAssistantEntity(.agentQueueMemberStatus(agent: "147", queue: "q1")) == .agent("147"))
        #expect(HomeAssistantEntity(.queueStats(queue: "q1")) == .queue("q1"))
        #expect(HomeAssistantEntity(.extensionPresence(extension: "147")) == nil)
        #expect(HomeAssistantEntity(.extensionConversations(extension: "147")) == nil)
        #expect(HomeAssistantEntity(.parking(lot: "default", space: "701")) == nil)
    }
}
