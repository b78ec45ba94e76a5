import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

extension BridgeStateMachine {
    /// Publishes the model's changes: state retained, events not.
    mutating func publish(_ changes: [CallCenterChange], at now: BridgeInstant, into actions: inout [BridgeAction]) {
        for change in changes {
            self.publish(change, at: now, into: &actions)
        }
    }

    /// Publishes one change of the model.
    mutating func publish(_ change: CallCenterChange, at now: BridgeInstant, into actions: inout [BridgeAction]) {
        // A standby instance (that stepped down holding AMI) keeps its model, publishes nothing.
        guard self.isActive else { return }
        switch change {
        case .set(let key, let value):
            // The model emits a set only when the value changed, so every one goes out.
            guard let topic = self.topic(for: key, into: &actions) else { return }
            self.publishState(topic, PayloadEncoder.encode(value), into: &actions)
            self.trackHomeAssistant(key, present: true, into: &actions)
        case .clear(let key):
            guard let topic = self.topic(for: key, into: &actions) else { return }
            self.publishState(topic, [], into: &actions)
            self.trackHomeAssistant(key, present: false, into: &actions)
        case .event(let event):
            do {
                let topic = try self.configuration.layout.topic(for: event)
                let message = MQTTMessage(
                    topic: topic, payload: PayloadEncoder.encode(event), qos: self.configuration.eventQoS,
                    retain: false)
                actions.append(.publish(message, .event))
            } catch {
                actions.append(.log(.info, "event with an unpublishable id skipped", [BridgeLogKey.error: "\(error)"]))
            }
        }
    }

    private func topic(for key: StateKey, into actions: inout [BridgeAction]) -> String? {
        do {
            return try self.configuration.layout.topic(for: key)
        } catch {
            actions.append(
                .log(
                    .info, "state with an unpublishable id skipped",
                    [BridgeLogKey.stateKey: "\(key)", BridgeLogKey.error: "\(error)"]))
            return nil
        }
    }

    /// Retained state goes out only while connected (on every connect the whole view goes out
    /// anyway, once what the client resends is acknowledged), within the state window, and
    /// waits behind earlier state while any waits.
    mutating func publishState(
        _ topic: String, _ payload: [UInt8], qos: MQTTQoS? = nil, into actions: inout [BridgeAction]
    ) {
        guard self.mqttUp, !self.republishPending, self.isActive else { return }
        let message = MQTTMessage(
            topic: topic, payload: payload, qos: qos ?? self.configuration.stateQoS, retain: true)
        if self.deferred.isEmpty {
            actions.append(.publishState(message))
        } else {
            self.deferred.push(message)
            self.backPressure?.deferred += 1
        }
    }

    /// `{p}/bridge/state`: sent even while disconnected (libmosquitto queues QoS 1 until the
    /// reconnect), so that `offline` at shutdown is not lost to a brief outage.
    mutating func publishBridgeState(online: Bool, at now: BridgeInstant, into actions: inout [BridgeAction]) {
        var json = JSONWriter()
        json.beginObject()
        json.field("state", online ? "online" : "offline")
        json.field("version", self.configuration.version)
        json.field("since", Timestamp.iso8601(now.wall))
        json.field("instance", self.configuration.failoverInstance)
        json.endObject()
        let message = MQTTMessage(
            topic: self.configuration.layout.bridgeState, payload: json.bytes, qos: .atLeastOnce, retain: true)
        actions.append(.publish(message, .state))
    }

    /// `{p}/bridge/ami`: the AMI connection as subscribers see it (never with credentials).
    mutating func publishAMIState(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        var json = JSONWriter()
        json.beginObject()
        switch self.ami.state {
        case .connecting:
            json.field("state", "connecting")
            json.field("host", self.configuration.amiHost)
        case .connected(let info):
            json.field("state", "connected")
            json.field("host", self.configuration.amiHost)
            json.field("asteriskVersion", info.amiVersion)
        case .disconnected(let reason, _):
            json.field("state", "disconnected")
            json.field("host", self.configuration.amiHost)
            json.field("error", "\(reason)")
        case .shutdown:
            json.field("state", "disconnected")
            json.field("host", self.configuration.amiHost)
            json.field("error", "the bridge is stopping")
        }
        json.field("since", Timestamp.iso8601(self.ami.since))
        json.endObject()
        self.publishState(self.configuration.layout.bridgeAMI, json.bytes, qos: .atLeastOnce, into: &actions)
    }

    /// `{p}/event/originateFailed`.
    mutating func publishOriginateFailed(
        actionID: String, id: String?, reason: String, into actions: inout [BridgeAction]
    ) {
        var json = JSONWriter()
        json.beginObject()
        json.field("actionId", actionID)
        json.field("id", id)
        json.field("reason", reason)
        json.endObject()
        let message = MQTTMessage(
            topic: self.configuration.layout.originateFailed, payload: json.bytes, qos: self.configuration.eventQoS,
            retain: false)
        actions.append(.publish(message, .event))
    }
}
