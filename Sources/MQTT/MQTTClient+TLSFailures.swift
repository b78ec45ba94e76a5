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

/// TLS failures, which libmosquitto 2.0 reports worse than any other: a failed handshake
/// (`MOSQ_ERR_TLS`) or a failed TLS read (`EPROTO`) comes often without a disconnect callback;
/// the only trace of why is its log (`OpenSSL Error[0]: error:0A000086:SSL routines::certificate
/// verify failed`). With this the owner gets `.tlsFailed(reason:)`, told apart from a refused
/// login, and the network loop retries after the refusal backoff (seconds, not the fast
/// schedule: a wrong CA does not fix itself in 100 ms).
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
        // On the loop's thread, before `mosquitto_loop` returns the error: the next delay is
        // the refusal backoff.
        self.network.refused()
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

    /// Runs on `supervisor`: reports the failure (the network loop retries by itself).
    private func reportTLSFailure() {
        let lines = self.tlsFailure.withLock { state in
            defer { state = MQTTTLSFailureState() }
            return state.lines
        }
        let (running, handler) = self.storage.withLock { state in
            (state.lifecycle == .running, state.onEvent)
        }
        guard running else { return }
        let reason =
            "TLS handshake with \(self.configuration.host):\(self.configuration.port) failed: "
            + Self.tlsReason(lines)
        handler?(.tlsFailed(reason: reason))
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
