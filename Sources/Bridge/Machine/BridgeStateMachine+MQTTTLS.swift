import Logging

extension BridgeStateMachine {
    /// What to check after a TLS failure with the broker, in the configuration's words.
    static let mqttTLSHint =
        "check that mqtt.tls.caFile holds the CA that signed the broker's certificate, that mqtt.host is a name "
        + "the certificate lists, and, if the broker has require_certificate, mqtt.tls.certFile and mqtt.tls.keyFile"

    /// The broker closed MQTT 5 connections without answering CONNECT (the client retries).
    /// Logged once until a connection succeeds, with the fix: RabbitMQ 3.x and other brokers
    /// that only speak MQTT 3.1.1 do this, and `mqtt.protocol: "3.1.1"` is what they need.
    mutating func mqttClosedBeforeConnack(reason: String, at now: BridgeInstant) -> [BridgeAction] {
        guard !self.closedBeforeConnackLogged else { return [] }
        self.closedBeforeConnackLogged = true
        return [
            .log(
                .error,
                "MQTT broker closed the connection without answering the MQTT 5 CONNECT; a broker that speaks only MQTT 3.1.1 (RabbitMQ 3.x) does this: set mqtt.protocol: \"3.1.1\"; retrying",
                [BridgeLogKey.mqttReason: "\(reason)"])
        ]
    }

    /// TLS with the broker failed (the client retries with backoff). Logged as an error once
    /// per run of the same failure, with what to check: unlike a refusal (`mqttRefused`), the
    /// broker never saw the login, so the credentials are not the problem.
    mutating func mqttTLSFailed(reason: String, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        if self.mqttUp {
            // As a disconnect: everything is published again on the next connect.
            self.mqttUp = false
            actions.append(.record(.mqttConnected(false)))
            self.deferred.removeAll()
            self.endBackPressure(at: now, into: &actions)
        }
        if let failures = self.tlsFailures, failures.reason == reason {
            self.tlsFailures?.count += 1
            return actions
        }
        self.tlsFailures = (reason, 1)
        actions.append(
            .log(
                .error, "MQTT TLS handshake with the broker failed; retrying",
                [BridgeLogKey.mqttReason: "\(reason)", BridgeLogKey.mqttHint: "\(Self.mqttTLSHint)"]
            )
        )
        return actions
    }
}
