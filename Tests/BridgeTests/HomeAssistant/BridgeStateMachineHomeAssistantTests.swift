import AMI
import CallCenter
import Foundation
import MQTT
import NIOCore
import Testing

@testable import Bridge

/// Discovery as transcripts: what the machine publishes when agents and queues come and go,
/// on (re)connect, on Home Assistant's birth message and on a reload.
@Suite struct BridgeStateMachineHomeAssistantTests {
    static func harness(discoveryPrefix: String? = "homeassistant") -> MachineHarness {
        var configuration = MachineHarness.configuration()
        configuration.homeAssistantPrefix = discoveryPrefix
        return MachineHarness(configuration: configuration)
    }

    static let agentConfig = "homeassistant/sensor/pbx2mqtt_pbx_agent_147_status/config"
    static let bridgeConfig = "homeassistant/binary_sensor/pbx2mqtt_pbx_bridge_connectivity/config"

    static func configs(_ actions: [BridgeAction]) -> [Publication] {
        actions.publications.filter { $0.topic.hasPrefix("homeassistant/") }
    }

    /// Should subscribe to Home Assistant's status, send the bridge's config on connect and an
    /// agent's config (retained) with its first state, once.
    @Test func configsFollowTheFirstState() {
        var harness = Self.harness()
        let started = harness.feed { $0.start(at: $1) }
        #expect(
            started.contains {
                if case .subscribe("homeassistant/status", .atLeastOnce, _, _) = $0 { return true }
                return false
            })
        let connected = harness.feed { $0.mqttConnected(at: $1) }
        #expect(Self.configs(connected).map(\.topic) == [Self.bridgeConfig])
        let synced = harness.connectAMI()
        #expect(Self.configs(synced).map(\.topic) == [Self.agentConfig])
        #expect(Self.configs(synced).allSatisfy { $0.retain && !$0.payload.isEmpty })
        // A change of an existing agent sends no config again.
        let changed = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: 1), at: $1) }
        #expect(changed.published("pbx/agent/147/extensionStatus").count == 1)
        #expect(Self.configs(changed).isEmpty)
    }

    /// Should empty an agent's config when its last state is cleared (hint removed).
    @Test func removedAgentClearsItsConfig() {
        var harness = Self.harness()
        _ = harness.startSynced()
        let removed = harness.feed { $0.amiEvent(MachineHarness.extensionStatus("147", status: -1), at: $1) }
        #expect(removed.published("pbx/agent/147/extensionStatus").map(\.payload) == [""])
        #expect(Self.configs(removed).map(\.topic) == [Self.agentConfig])
        #expect(Self.configs(removed).map(\.payload) == [""])
        #expect(harness.machine.homeAssistantEntities.isEmpty)
    }

    /// Should send every config again on a reconnect and when Home Assistant says `online`,
    /// and ignore any other status payload.
    @Test func configsAreResent() {
        var harness = Self.harness()
        _ = harness.startSynced()
        _ = harness.feed { $0.mqttDisconnected(reason: "test", at: $1) }
        let reconnected = harness.feed { $0.mqttConnected(at: $1) }
        #expect(Set(Self.configs(reconnected).map(\.topic)) == [Self.bridgeConfig, Self.agentConfig])
        let birth = MQTTMessage(topic: "homeassistant/status", payload: Array("online".utf8), qos: .atLeastOnce)
        let online = harness.feed { $0.mqttMessage(birth, at: $1) }
        #expect(Set(Self.configs(online).map(\.topic)) == [Self.bridgeConfig, Self.agentConfig])
        let will = MQTTMessage(topic: "homeassistant/status", payload: Array("offline".utf8), qos: .atLeastOnce)
        #expect(harness.feed { $0.mqttMessage(will, at: $1) }.isEmpty)
    }

    /// Should publish nothing for Home Assistant while discovery is off, and a reload turning
    /// it on sends every config; turning it off empties them.
    @Test func reloadTurnsDiscoveryOnAndOff() {
        var harness = Self.harness(discoveryPrefix: nil)
        let synced = harness.startSynced()
        #expect(Self.configs(synced).isEmpty)
        var on = harness.machine.configuration
        on.homeAssistantPrefix = "homeassistant"
        let enabled = harness.feed { $0.reload(on, newAMI: false, newMQTT: false, mqttQueueLimit: 1000, at: $1) }
        #expect(Set(Self.configs(enabled).map(\.topic)) == [Self.bridgeConfig, Self.agentConfig])
        var off = on
        off.homeAssistantPrefix = nil
        let disabled = harness.feed { $0.reload(off, newAMI: false, newMQTT: false, mqttQueueLimit: 1000, at: $1) }
        #expect(Set(Self.configs(disabled).map(\.topic)) == [Self.bridgeConfig, Self.agentConfig])
        #expect(Self.configs(disabled).allSatisfy { $0.payload.isEmpty })
        #expect(
            disabled.contains {
                if case .unsubscribe("homeassistant/status") = $0 { return true }
                return false
            })
    }

    /// Should, on a reload that replaces the MQTT client and the prefix, empty the old configs
    /// through the old session, subscribe the new client to Home Assistant's status, and send
    /// the new configs once it connects.
    @Test func reloadWithANewClientMovesTheConfigs() {
        var harness = Self.harness()
        _ = harness.startSynced()
        var next = MachineHarness.configuration(prefix: "site-a")
        next.homeAssistantPrefix = "homeassistant"
        let reload = harness.feed { $0.reload(next, newAMI: false, newMQTT: true, mqttQueueLimit: 1000, at: $1) }
        #expect(Set(Self.configs(reload).map(\.topic)) == [Self.bridgeConfig, Self.agentConfig])
        #expect(Self.configs(reload).allSatisfy { $0.payload.isEmpty })
        _ = harness.feed { $0.mqttQueueBelow(queued: 0, at: $1) }
        let stopped = harness.feed { $0.mqttStopped(at: $1) }
        #expect(
            stopped.contains(.subscribe("homeassistant/status", .atLeastOnce, retainAsPublished: false, noLocal: true)))
        let connected = harness.feed { $0.mqttConnected(at: $1) }
        #expect(
            Set(Self.configs(connected).map(\.topic)) == [
                "homeassistant/binary_sensor/pbx2mqtt_site-a_bridge_connectivity/config",
                "homeassistant/sensor/pbx2mqtt_site-a_agent_147_status/config",
            ])
        #expect(Self.configs(connected).allSatisfy { $0.payload.contains("site-a/") })
    }

    /// Should clear, after the first sync, this bridge's configs an earlier run left for an
    /// agent that is gone, and leave other bridges' and other integrations' configs alone.
    @Test func staleConfigsOfAnEarlierRunAreCleared() {
        var harness = Self.harness()
        let started = harness.feed { $0.start(at: $1) } + harness.feed { $0.mqttConnected(at: $1) }
        #expect(
            started.contains(
                .subscribe("homeassistant/+/+/config", .atMostOnce, retainAsPublished: false, noLocal: true)))
        _ = harness.acknowledgeSubscriptions(in: started)
        let gone = "homeassistant/sensor/pbx2mqtt_pbx_agent_999_status/config"
        let goneQueue = "homeassistant/sensor/pbx2mqtt_pbx_queue_old_waiting/config"
        let otherBridge = "homeassistant/sensor/pbx2mqtt_pbx_5fx_agent_999_status/config"
        let otherIntegration = "homeassistant/sensor/zigbee_kitchen/config"
        for topic in [Self.agentConfig, gone, goneQueue, otherBridge, otherIntegration] {
            let replay = MQTTMessage(topic: topic, payload: Array("{}".utf8), qos: .atMostOnce, retain: true)
            _ = harness.feed { $0.mqttMessage(replay, at: $1) }
        }
        _ = harness.connectAMI()
        harness.advance(.seconds(1))
        let swept = harness.feed { $0.timerFired(.sweepWindow, at: $1) }
        let cleared = swept.publications.filter { $0.payload.isEmpty }.map(\.topic)
        #expect(Set(cleared) == [gone, goneQueue])
    }
}
