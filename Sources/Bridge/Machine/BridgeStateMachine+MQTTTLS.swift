import Logging

extension BridgeStateMachine {
    /// What to check after a TLS failure with the broker, in the configuration's words.
    static let mqttTLSHint =
        "check that mqtt.tls.caFile holds the CA that signed the broker's certificate, that mqtt.host is a name "
        + "the certificate lists, and, if the broker has require_certificate, mqtt.tls.certFile and mqtt.tls.keyFile"

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
