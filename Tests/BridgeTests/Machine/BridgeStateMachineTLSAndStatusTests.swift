import AMI
import Bridge
import Logging
import NIOCore
import Testing

@testable import Bridge

/// The machine's handling of broker TLS failures and the status it reports to supervisors.
@Suite struct BridgeStateMachineTLSAndStatusTests {
    static let reason = "TLS handshake with broker:8883 failed: certificate verify failed"

    /// Should log a broker TLS failure as an error once per episode, with the reason and what
    /// to check (CA, host name, client certificate), apart from a refused login, and say when
    /// the handshake succeeds again.
    @Test func brokerTLSFailuresAreLoggedOncePerEpisodeWithAHint() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        let first = harness.feed { $0.mqttTLSFailed(reason: Self.reason, at: $1) }
        #expect(first.logMessages == ["MQTT TLS handshake with the broker failed; retrying"])
        guard case .log(let level, _, let metadata)? = first.last else {
            Issue.record("no log line: \(first)")
            return
        }
        #expect(level == .error)
        #expect(metadata[BridgeLogKey.mqttReason] == "\(Self.reason)")
        #expect("\(metadata[BridgeLogKey.mqttHint] ?? "")".contains("mqtt.tls.caFile"))
        #expect(!first.logMessages.contains { $0.contains("refused") })
        for _ in 0..<4 {
            #expect(harness.feed { $0.mqttTLSFailed(reason: Self.reason, at: $1) }.logMessages.isEmpty)
        }
        // Another failure is a new episode.
        let other = harness.feed { $0.mqttTLSFailed(reason: "host name verification failed", at: $1) }
        #expect(other.logMessages.count == 1)
        let accepted = harness.feed { $0.mqttConnected(at: $1) }
        #expect(accepted.logMessages.first == "MQTT TLS handshake succeeds again")
        #expect(harness.machine.tlsFailures == nil)
    }

    /// Should log an AMI TLS failure as an error (an ordinary drop stays info), with the
    /// client's text that names the key to fix.
    @Test func amiTLSFailuresAreErrors() {
        var harness = MachineHarness()
        _ = harness.startSynced()
        let failure = AMIClientError.tlsHandshakeFailed(
            endpoint: "pbx:5039", failure: .untrustedCertificate(detail: "certificate verify failed"))
        let tls = harness.feed { $0.amiStateChanged(.disconnected(failure, retryIn: .seconds(1)), at: $1) }
        let line = tls.compactMap { action -> (Logger.Level, Logger.Metadata)? in
            if case .log(let level, "AMI disconnected; reconnecting", let metadata) = action {
                return (level, metadata)
            }
            return nil
        }.first
        #expect(line?.0 == .error)
        let error = "\(line?.1[BridgeLogKey.amiError] ?? "")"
        #expect(error.contains("set ami.tlsCaFile"))
        _ = harness.feed { $0.amiStateChanged(.connecting(attempt: 1), at: $1) }
        let dropped = harness.feed {
            $0.amiStateChanged(.disconnected(.connectionClosed, retryIn: .seconds(1)), at: $1)
        }
        let loggedAsInfo = dropped.contains {
            if case .log(.info, "AMI disconnected; reconnecting", _) = $0 { true } else { false }
        }
        #expect(loggedAsInfo)
    }

    /// Should report ready only once the first sync is complete and the broker connected, with
    /// both links and the model's counts in the summary.
    @Test func statusBecomesReadyAfterTheFirstSyncWithTheBrokerUp() {
        var harness = MachineHarness()
        _ = harness.feed { $0.start(at: $1) }
        #expect(harness.machine.status.summary == "AMI disconnected, MQTT disconnected, 0 agents / 0 queues")
        let connected = harness.feed { $0.amiStateChanged(.connected(MachineHarness.info), at: $1) }
        #expect(harness.machine.status.summary == "AMI connected, MQTT disconnected, syncing")
        _ = harness.answerStateLists(in: connected, items: MachineHarness.defaultLists)
        #expect(harness.machine.status.hasSynced)
        #expect(!harness.machine.status.isReady)
        _ = harness.feed { $0.mqttConnected(at: $1) }
        let status = harness.machine.status
        #expect(status.isReady)
        #expect(status.summary == "AMI connected, MQTT connected, 1 agents / 0 queues")
        _ = harness.feed { $0.amiStateChanged(.disconnected(.connectionClosed, retryIn: .seconds(1)), at: $1) }
        #expect(harness.machine.status.summary == "AMI disconnected, MQTT connected, 1 agents / 0 queues")
        // Ready stays true: the model is complete, the reconnect's sync only refreshes it.
        #expect(harness.machine.status.isReady)
    }
}
