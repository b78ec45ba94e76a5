import CMosquitto
import Dispatch
import Logging
import Synchronization

/// The lines libmosquitto logged about one TLS failure, until it is reported.
struct MQTTTLSFailureState {
    var lines: [String] = []
    /// A report is scheduled on the supervisor.
    var reportScheduled = false
}

/// TLS failures, which libmosquitto 2.0 handles worse than any other: a failed handshake
/// (`MOSQ_ERR_TLS`) or a failed TLS read (`EPROTO`) is "fatal" to its network thread, which
/// ends without retrying, and often without a disconnect callback; the only trace is its log
/// (`OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed`). Without this
/// the client would go quiet forever after a wrong CA. With it the owner gets
/// `.tlsFailed(reason:)`, told apart from a refused login, and the client restarts its
/// network thread with the same backoff as after a refusal.
extension MQTTClient {
    /// Listens to libmosquitto's error log for TLS failures (installed only with TLS).
    func installTLSFailureLog() {
        mosquitto_log_callback_set(self.handle) { _, userdata, level, text in
            guard level == MOSQ_LOG_ERR, let text, let client = MQTTClient.from(userdata) else { return }
            client.errorLogged(String(cString: text))
        }
    }

    /// Runs on libmosquitto's thread: collects the lines of one failure (they come in a burst,
    /// then the thread ends) and reports them together shortly after.
    private func errorLogged(_ line: String) {
        guard line.hasPrefix("OpenSSL Error") || line.contains("host name verification failed") else { return }
        let schedule = self.tlsFailure.withLock { state -> Bool in
            state.lines.append(line)
            defer { state.reportScheduled = true }
            return !state.reportScheduled
        }
        guard schedule else { return }
        self.supervisor.asyncAfter(deadline: .now() + .milliseconds(100)) { [weak self] in
            self?.reportTLSFailure()
        }
    }

    /// Runs on `supervisor`: reports the failure and restarts the network thread after a backoff.
    private func reportTLSFailure() {
        let lines = self.tlsFailure.withLock { state in
            defer { state = MQTTTLSFailureState() }
            return state.lines
        }
        let (running, attempt, handler) = self.storage.withLock { state in
            state.refusedAttempts += 1
            return (state.lifecycle == .running, state.refusedAttempts, state.onEvent)
        }
        guard running else { return }
        let reason =
            "TLS handshake with \(self.configuration.host):\(self.configuration.port) failed: "
            + Self.tlsReason(lines)
        let delay = Self.refusalBackoff(
            attempt: attempt,
            minSeconds: self.configuration.reconnectDelayMinSeconds,
            maxSeconds: self.configuration.reconnectDelayMaxSeconds)
        self.logger.debug(
            "MQTT TLS failure; restarting the network thread after a delay",
            metadata: ["mqtt.error": "\(reason)", "mqtt.delay_seconds": "\(delay)", "mqtt.attempt": "\(attempt)"])
        handler?(.tlsFailed(reason: reason))
        self.supervisor.asyncAfter(deadline: .now() + .seconds(delay)) { [weak self] in
            self?.restartAfterTLSFailure()
        }
    }

    /// Runs on `supervisor`: ends the network thread (a thread still retrying by itself leaves
    /// its loop once disconnect marks the client) and starts a fresh connection.
    private func restartAfterTLSFailure() {
        guard self.storage.withLock({ $0.lifecycle == .running }) else { return }
        _ = mosquitto_disconnect(self.handle)
        _ = mosquitto_loop_stop(self.handle, false)
        let rc = mosquitto_reconnect_async(self.handle)
        let loop = mosquitto_loop_start(self.handle)
        if loop != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            self.logger.info("MQTT network thread restart failed", metadata: ["mqtt.error": "\(Self.text(loop))"])
        }
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            self.scheduleConnectRetry(attempt: 1)
        }
    }

    /// OpenSSL's reasons from libmosquitto's lines (`error:0A000086:SSL routines::certificate
    /// verify failed` → `certificate verify failed`), without repeats.
    static func tlsReason(_ lines: [String]) -> String {
        var reasons: [String] = []
        for line in lines {
            let reason: String
            if line.contains("host name verification failed") {
                reason = "the broker's certificate does not name the host (host name verification failed)"
            } else if let colon = line.lastIndex(of: ":") {
                reason = String(line[line.index(after: colon)...].drop { $0 == " " })
            } else {
                reason = line
            }
            if !reason.isEmpty, !reasons.contains(reason) {
                reasons.append(reason)
            }
        }
        return reasons.isEmpty ? "a TLS error occurred" : reasons.joined(separator: "; ")
    }
}
