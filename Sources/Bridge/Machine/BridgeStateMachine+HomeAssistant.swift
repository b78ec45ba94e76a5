import CallCenter
import MQTT

extension BridgeStateMachine {
    // MARK: Home Assistant discovery

    /// Follows which agents and queues exist from the state changes the bridge publishes: the
    /// first state of one sends its discovery configs, the clear of its last state empties
    /// them (Home Assistant then removes the entities).
    mutating func trackHomeAssistant(_ key: StateKey, present: Bool, into actions: inout [BridgeAction]) {
        guard let discovery = self.configuration.homeAssistant, let entity = HomeAssistantEntity(key) else { return }
        if present {
            guard self.homeAssistantEntities[entity] == nil else {
                self.homeAssistantEntities[entity]?.insert(key)
                return
            }
            self.homeAssistantEntities[entity] = [key]
            for config in discovery.configs(for: entity) {
                self.publishState(config.topic, config.payload, qos: .atLeastOnce, into: &actions)
            }
        } else {
            guard var keys = self.homeAssistantEntities[entity] else { return }
            keys.remove(key)
            guard keys.isEmpty else {
                self.homeAssistantEntities[entity] = keys
                return
            }
            self.homeAssistantEntities[entity] = nil
            for topic in discovery.topics(for: entity) {
                self.publishState(topic, [], qos: .atLeastOnce, into: &actions)
            }
        }
    }

    /// Every config again: on each broker connect (after the state) and when Home Assistant
    /// says `online` on its status topic (it restarted and forgot non-retained ones).
    mutating func publishHomeAssistantConfigs(into actions: inout [BridgeAction]) {
        guard let discovery = self.configuration.homeAssistant else { return }
        let entities = [HomeAssistantEntity.bridge] + self.homeAssistantEntities.keys.sorted()
        for entity in entities {
            for config in discovery.configs(for: entity) {
                self.publishState(config.topic, config.payload, qos: .atLeastOnce, into: &actions)
            }
        }
    }

    /// Whether `message` is Home Assistant's birth message (`online` on its status topic).
    func isHomeAssistantOnline(_ message: MQTTMessage) -> Bool {
        guard let discovery = self.configuration.homeAssistant, message.topic == discovery.statusTopic else {
            return false
        }
        return message.payload == Array("online".utf8)
    }

    /// The subscription to Home Assistant's status topic.
    static func homeAssistantSubscription(_ discovery: HomeAssistantDiscovery) -> BridgeAction {
        .subscribe(discovery.statusTopic, .atLeastOnce, retainAsPublished: false, noLocal: true)
    }

    /// A reload that changes discovery (on/off, its prefix, the bridge's prefix): the old
    /// configs are emptied through the current session, the new ones go out (at once, or on
    /// the new session's connect).
    mutating func reloadHomeAssistant(
        from old: BridgeConfiguration, newMQTT: Bool, into actions: inout [BridgeAction]
    ) {
        let before = old.homeAssistant
        let after = self.configuration.homeAssistant
        guard before != after else { return }
        if let before {
            let entities = [HomeAssistantEntity.bridge] + self.homeAssistantEntities.keys.sorted()
            for topic in entities.flatMap({ before.topics(for: $0) }) {
                actions.append(
                    .publish(MQTTMessage(topic: topic, payload: [], qos: .atLeastOnce, retain: true), .state))
            }
            // A new client starts with no subscriptions (the swap subscribes it afresh).
            if !newMQTT, before.statusTopic != after?.statusTopic {
                actions.append(.unsubscribe(before.statusTopic))
            }
        }
        guard let after else {
            self.homeAssistantEntities = [:]
            return
        }
        if !newMQTT, before?.statusTopic != after.statusTopic {
            actions.append(Self.homeAssistantSubscription(after))
        }
        if before == nil {
            // Discovery was off: learn the entities from the model as it is now.
            for key in self.model.view.keys.sorted() where (try? self.configuration.layout.topic(for: key)) != nil {
                guard let entity = HomeAssistantEntity(key) else { continue }
                self.homeAssistantEntities[entity, default: []].insert(key)
            }
        }
        if !newMQTT {
            self.publishHomeAssistantConfigs(into: &actions)
        }
    }
}
