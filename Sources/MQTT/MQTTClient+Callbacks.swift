import CMosquitto
import Logging
import Synchronization

extension MQTTClient {
    // MARK: Callback registration

    /// Registers non-capturing C callbacks; each finds its client through the userdata pointer
    /// (`Unmanaged`, unretained: the client outlives its network thread because `deinit` stops it).
    func installCallbacks() {
        mosquitto_connect_v5_callback_set(self.handle) { _, userdata, rc, flags, _ in
            MQTTClient.from(userdata)?.handleConnect(rc: rc, flags: flags)
        }
        mosquitto_disconnect_v5_callback_set(self.handle) { _, userdata, rc, _ in
            MQTTClient.from(userdata)?.handleDisconnect(rc: rc)
        }
        mosquitto_publish_v5_callback_set(self.handle) { _, userdata, mid, reason, _ in
            MQTTClient.from(userdata)?.handlePublished(mid: mid, reason: reason)
        }
        mosquitto_subscribe_v5_callback_set(self.handle) { _, userdata, mid, count, granted, _ in
            let codes = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(count, 0)))) } ?? []
            MQTTClient.from(userdata)?.handleSubscribed(mid: mid, codes: codes)
        }
        mosquitto_message_v5_callback_set(self.handle) { _, userdata, message, properties in
            guard let client = MQTTClient.from(userdata), let message else { return }
            client.handleMessage(message.pointee, properties: properties)
        }
    }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> MQTTClient? {
        guard let userdata else { return nil }
        return Unmanaged<MQTTClient>.fromOpaque(userdata).takeUnretainedValue()
    }

    // MARK: Inbound (libmosquitto's network thread)

    private func emit(_ event: MQTTClientEvent) {
        let handler = self.storage.withLock { $0.onEvent }
        handler?(event)
    }

    private func handleConnect(rc: Int32, flags: Int32) {
        if rc == 0 {
            self.network.connected()
            let subscriptions = self.storage.withLock { state in
                state.isConnected = true
                state.connectAnswered = true
                return state.subscriptions
            }
            // Subscribing is a queued send, not a setter: safe from the callback.
            for subscription in subscriptions {
                // Its SUBACK reports an id the owner never saw: nothing it waits for.
                var mid: Int32 = 0
                let result = self.sendSubscribe(subscription, mid: &mid)
                if result != Int32(MOSQ_ERR_SUCCESS.rawValue) {
                    self.logger.info(
                        "MQTT resubscribe failed",
                        metadata: [
                            MQTTLogKey.filter: "\(subscription.filter)", MQTTLogKey.error: "\(Self.text(result))",
                        ])
                }
            }
            // Connects, disconnects and refusals go to the owner, who logs each once.
            self.emit(.connected(sessionPresent: (flags & 1) != 0))
            return
        }
        // The network thread retries after the refusal backoff. (libmosquitto 2.0 turns a
        // refused MQTT 5 CONNACK into MOSQ_ERR_PROTOCOL, which would end its own loop for good;
        // for `NetworkLoop` it is one more failed attempt.)
        self.network.refused()
        self.storage.withLock { $0.connectAnswered = true }
        let isV5 = self.configuration.protocolVersion == .v5
        let reason =
            (isV5 ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc)).map { String(cString: $0) }
            ?? "refused with code \(rc)"
        self.emit(.connectionRefused(code: Int(rc), reason: reason))
    }

    /// Also called when an attempt fails before the broker accepted it (libmosquitto reports
    /// every socket it closes); only the end of an accepted connection is an event.
    private func handleDisconnect(rc: Int32) {
        let (wasConnected, answered, lost, notice) = self.storage.withLock { state in
            defer { state.connectAnswered = false }
            return (state.isConnected, state.connectAnswered, state.connectionLost(), state.takeQueueNotice())
        }
        if !wasConnected, !answered, rc == Int32(MOSQ_ERR_CONN_LOST.rawValue),
            self.configuration.protocolVersion == .v5
        {
            // The broker took the connection and closed it without a CONNACK: what a broker
            // that only speaks MQTT 3.1.1 does with an MQTT 5 CONNECT (RabbitMQ 3.x).
            self.emit(.closedBeforeConnack(reason: Self.text(rc)))
        }
        if lost > 0 {
            self.logger.debug("MQTT QoS 0 messages lost with the connection", metadata: [MQTTLogKey.count: "\(lost)"])
        }
        if wasConnected {
            self.emit(.disconnected(reason: rc == 0 ? "disconnected by the client" : Self.text(rc)))
        }
        if let notice {
            self.emit(.queueBelow(queued: notice))
        }
    }

    private func handlePublished(mid: Int32, reason: Int32) {
        let notice = self.storage.withLock { state in
            _ = state.completed(mid: mid)
            return state.takeQueueNotice()
        }
        if reason >= 128 {
            self.logger.info(
                "MQTT broker rejected a publication",
                metadata: [
                    MQTTLogKey.mid: "\(mid)", MQTTLogKey.reason: "\(String(cString: mosquitto_reason_string(reason)))",
                ])
        }
        self.emit(.published(mid: mid))
        if let notice {
            self.emit(.queueBelow(queued: notice))
        }
    }

    /// A SUBACK: one code per filter (granted QoS, or a refusal from 128 up).
    private func handleSubscribed(mid: Int32, codes: [Int32]) {
        if let refusal = codes.first(where: { $0 >= 128 }) {
            // Once per SUBSCRIBE the owner asked for (or renewed on a connect), not per message.
            self.logger.warning(
                "MQTT broker refused a subscription",
                metadata: [
                    MQTTLogKey.mid: "\(mid)",
                    MQTTLogKey.reason:
                        "\(mosquitto_reason_string(refusal).map { String(cString: $0) } ?? "\(refusal)")",
                ])
        }
        self.emit(.subscribed(mid: mid))
    }

    private func handleMessage(_ raw: mosquitto_message, properties: OpaquePointer?) {
        let topic = raw.topic.map { String(cString: $0) } ?? ""
        var payload: [UInt8] = []
        if let bytes = raw.payload, raw.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(raw.payloadlen)))
        }
        let message = MQTTMessage(
            topic: topic,
            payload: payload,
            qos: MQTTQoS(rawValue: UInt8(clamping: raw.qos)) ?? .atMostOnce,
            retain: raw.retain,
            properties: MQTTProperties(mosquittoList: properties)
        )
        self.emit(.message(message))
    }

    // MARK: Backoff

    /// Backoff after a refused login: min, 2×min, 4×min … capped at max (seconds).
    static func refusalBackoff(attempt: Int, minSeconds: Int, maxSeconds: Int) -> Int {
        let exponent = min(max(attempt - 1, 0), 20)
        return min(maxSeconds, minSeconds << exponent)
    }
}
