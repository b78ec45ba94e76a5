import NIOCore
import Testing

@testable import AMI

@Suite struct AMIConnectionStateMachineTests {
    static func configuration(
        authType: AMIConfiguration.AuthType = .plain,
        filters: [String] = []
    ) -> AMIConfiguration {
        AMIConfiguration(
            host: "pbx", port: 5038, username: "bridge", secret: "bridgepw",
            authType: authType, eventMask: "call,agent", filters: filters
        )
    }

    static let info = AMIServerInfo(product: "Asterisk", amiVersion: "11.0.0", host: "pbx", port: 5038)

    /// The single Outgoing of a `.write` action, or nil.
    static func single(_ action: AMIConnectionStateMachine.Action) -> AMIConnectionStateMachine.Outgoing? {
        guard case .write(let items) = action, items.count == 1 else { return nil }
        return items[0]
    }

    static func ok(_ name: String, _ extra: KeyValuePairs<String, String> = [:]) -> AMIResponse {
        var message = AMIMessage(["Response": "Success"])
        for (key, value) in extra { message.append(key, value) }
        return AMIResponse(action: name, response: message)
    }

    static func error(_ name: String, _ text: String) -> AMIResponse {
        AMIResponse(action: name, response: AMIMessage(["Response": "Error", "Message": text]))
    }

    /// Drives a machine to `.connected` with a plain login.
    static func connectedMachine(filters: [String] = []) -> AMIConnectionStateMachine {
        var machine = AMIConnectionStateMachine(
            configuration: self.configuration(filters: filters), jitterSource: { 0 })
        _ = machine.start()
        _ = machine.channelActive()
        _ = machine.bannerReceived(product: "Asterisk", version: "11.0.0")
        if filters.isEmpty {
            _ = machine.internalResponse(.login, self.ok("Login"))
        } else {
            _ = machine.internalResponse(.login, self.ok("Login"))
            for filter in filters {
                _ = machine.internalResponse(.filter(filter), self.ok("Filter"))
            }
        }
        return machine
    }

    /// Should log in with `Secret` and the Events mask, then report connected.
    @Test func plainLoginSequence() throws {
        var machine = AMIConnectionStateMachine(configuration: Self.configuration(), jitterSource: { 0 })
        #expect(machine.start() == .connect(attempt: 1))
        #expect(machine.start() == .none)
        #expect(machine.channelActive() == .awaitBanner(timeout: .seconds(10)))
        #expect(machine.nextActionID() == nil)
        let login = try #require(Self.single(machine.bannerReceived(product: "Asterisk", version: "11.0.0")))
        #expect(login.kind == .login)
        #expect(
            login.action == AMIAction("Login", ["Username": "bridge", "Secret": "bridgepw", "Events": "call,agent"]))
        #expect(login.actionID == "p2m-1-1")
        #expect(machine.internalResponse(.login, Self.ok("Login")) == .reportConnected(Self.info, filterRefusals: []))
        #expect(machine.isConnected)
        #expect(machine.nextActionID() == "p2m-1-2")
    }

    /// Should answer the real transcript's challenge with md5_hex(challenge + secret).
    @Test func md5LoginUsesChallengeKey() throws {
        var machine = AMIConnectionStateMachine(configuration: Self.configuration(authType: .md5), jitterSource: { 0 })
        _ = machine.start()
        _ = machine.channelActive()
        let challenge = try #require(Self.single(machine.bannerReceived(product: "Asterisk", version: "11.0.0")))
        #expect(challenge.kind == .challenge)
        #expect(challenge.action == AMIAction("Challenge", ["AuthType": "MD5"]))
        let login = try #require(
            Self.single(machine.internalResponse(.challenge, Self.ok("Challenge", ["Challenge": "577092151"]))))
        #expect(
            login.action
                == AMIAction(
                    "Login",
                    [
                        "AuthType": "MD5", "Username": "bridge", "Key": "19c6650db8d3fbf22c919e0ff6c68efc",
                        "Events": "call,agent",
                    ]))
        #expect(!login.action.fields.contains { $0.key == "Secret" })
        #expect(machine.internalResponse(.login, Self.ok("Login")) == .reportConnected(Self.info, filterRefusals: []))
    }

    /// Should treat a refused login as a typed failure and back off further on each retry.
    @Test func refusedLoginBacksOffGrowing() {
        var machine = AMIConnectionStateMachine(configuration: Self.configuration(), jitterSource: { 0 })
        #expect(machine.start() == .connect(attempt: 1))
        var delays: [TimeAmount] = []
        for attempt in 1...4 {
            _ = machine.channelActive()
            _ = machine.bannerReceived(product: "Asterisk", version: "11.0.0")
            #expect(machine.internalResponse(.login, Self.error("Login", "Authentication failed")) == .close)
            guard case .scheduleReconnect(let reason, let delay) = machine.channelClosed() else {
                Issue.record("expected a reconnect")
                return
            }
            #expect(reason == .loginFailed(message: "Authentication failed"))
            delays.append(delay)
            #expect(machine.reconnectTimerFired() == .connect(attempt: attempt + 1))
        }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
    }

    /// Should reset the attempt count after a successful login.
    @Test func successfulLoginResetsBackoff() {
        var machine = AMIConnectionStateMachine(configuration: Self.configuration(), jitterSource: { 0 })
        _ = machine.start()
        _ = machine.connectFailed(.connectFailed("refused"))
        _ = machine.reconnectTimerFired()
        _ = machine.connectFailed(.connectFailed("refused"))
        #expect(machine.reconnectTimerFired() == .connect(attempt: 3))
        _ = machine.channelActive()
        _ = machine.bannerReceived(product: "Asterisk", version: "11.0.0")
        _ = machine.internalResponse(.login, Self.ok("Login"))
        #expect(machine.channelClosed() == .scheduleReconnect(reason: .connectionClosed, delay: .milliseconds(500)))
        #expect(machine.reconnectTimerFired() == .connect(attempt: 1))
    }

    /// Should send the filters after login, wait for their answers and report the refusals.
    @Test func sendsFiltersThenReportsRefusals() throws {
        let filters = ["Event: QueueMemberStatus", "Event: ExtensionStatus"]
        var machine = AMIConnectionStateMachine(
            configuration: Self.configuration(filters: filters), jitterSource: { 0 })
        _ = machine.start()
        _ = machine.channelActive()
        _ = machine.bannerReceived(product: "Asterisk", version: "11.0.0")
        guard case .write(let items) = machine.internalResponse(.login, Self.ok("Login")) else {
            Issue.record("expected the filters")
            return
        }
        #expect(items.map(\.action) == filters.map { AMIAction("Filter", ["Operation": "Add", "Filter": $0]) })
        #expect(!machine.isConnected)
        #expect(machine.internalResponse(.filter(filters[0]), Self.error("Filter", "Permission denied")) == .none)
        let refusal = AMIConnectionStateMachine.FilterRefusal(filter: filters[0], message: "Permission denied")
        #expect(refusal.isPermissionDenied)
        #expect(
            machine.internalResponse(.filter(filters[1]), Self.ok("Filter"))
                == .reportConnected(Self.info, filterRefusals: [refusal]))
        #expect(machine.isConnected)
    }

    /// Should ping on each keepalive tick and close with keepaliveTimeout when a ping goes
    /// unanswered.
    @Test func keepaliveDetectsDeadConnection() throws {
        var machine = Self.connectedMachine()
        let ping = try #require(Self.single(machine.keepaliveTimerFired()))
        #expect(ping.kind == .ping)
        #expect(ping.action.name == "Ping")
        #expect(ping.timeout == .seconds(5))
        #expect(machine.keepaliveTimerFired() == .none)  // one ping at a time
        #expect(machine.internalResponse(.ping, Self.ok("Ping")) == .none)
        #expect(Self.single(machine.keepaliveTimerFired()) != nil)
        #expect(machine.internalActionTimedOut(.ping) == .close)
        #expect(machine.channelClosed() == .scheduleReconnect(reason: .keepaliveTimeout, delay: .milliseconds(500)))
    }

    /// Should give a Ping more time while answers to earlier actions keep arriving (the Ping
    /// waits behind a long list), but only as long as they do.
    @Test func keepaliveWaitsBehindProgress() throws {
        var machine = Self.connectedMachine()
        _ = try #require(Self.single(machine.keepaliveTimerFired()))
        machine.actionProgressReceived()
        #expect(machine.internalActionTimedOut(.ping) == .extendTimeout(.seconds(5)))
        machine.actionProgressReceived()
        #expect(machine.internalActionTimedOut(.ping) == .extendTimeout(.seconds(5)))
        #expect(machine.internalActionTimedOut(.ping) == .close)
    }

    /// Should log off when connected at shutdown, close on Goodbye, then finish.
    @Test func shutdownLogsOffThenFinishes() throws {
        var machine = Self.connectedMachine()
        let logoff = try #require(Self.single(machine.shutdownRequested()))
        #expect(logoff.kind == .logoff)
        #expect(machine.nextActionID() == nil)
        #expect(machine.shutdownRequested() == .none)
        #expect(machine.internalResponse(.logoff, Self.ok("Logoff")) == .close)
        #expect(machine.channelClosed() == .finishShutdown)
        #expect(machine.reconnectTimerFired() == .none)
        #expect(machine.start() == .none)
    }

    /// Should finish shutdown at once while waiting to reconnect, and after the connect
    /// result when a connect is under way.
    @Test func shutdownWhileNotConnected() {
        var waiting = AMIConnectionStateMachine(configuration: Self.configuration(), jitterSource: { 0 })
        _ = waiting.start()
        _ = waiting.connectFailed(.connectFailed("refused"))
        #expect(waiting.shutdownRequested() == .finishShutdown)

        var connecting = AMIConnectionStateMachine(configuration: Self.configuration(), jitterSource: { 0 })
        _ = connecting.start()
        #expect(connecting.shutdownRequested() == .none)
        #expect(connecting.channelActive() == .close)
        #expect(connecting.channelClosed() == .finishShutdown)

        var idle = AMIConnectionStateMachine(configuration: Self.configuration(), jitterSource: { 0 })
        #expect(idle.shutdownRequested() == .finishShutdown)
    }

    /// Should close with bannerTimeout when no banner arrives, and with the decoder's error
    /// when the peer is not AMI.
    @Test func handshakeFailures() {
        var machine = AMIConnectionStateMachine(configuration: Self.configuration(), jitterSource: { 0 })
        _ = machine.start()
        _ = machine.channelActive()
        #expect(machine.bannerTimedOut() == .close)
        #expect(machine.channelClosed() == .scheduleReconnect(reason: .bannerTimeout, delay: .milliseconds(500)))
        #expect(machine.reconnectTimerFired() == .connect(attempt: 2))
        _ = machine.channelActive()
        #expect(machine.connectionFailed(.notAnAMIServer(firstLine: "SSH-2.0")) == .close)
        #expect(machine.connectionFailed(.connectionClosed) == .none)  // already closing
        #expect(
            machine.channelClosed()
                == .scheduleReconnect(reason: .notAnAMIServer(firstLine: "SSH-2.0"), delay: .seconds(1)))
    }

    /// Should never reuse an ActionID across connections.
    @Test func actionIDsAreConnectionScoped() {
        var machine = Self.connectedMachine()
        let first = machine.nextActionID()
        _ = machine.channelClosed()
        _ = machine.reconnectTimerFired()
        _ = machine.channelActive()
        _ = machine.bannerReceived(product: "Asterisk", version: "11.0.0")
        _ = machine.internalResponse(.login, Self.ok("Login"))
        let second = machine.nextActionID()
        #expect(first == "p2m-1-2")
        #expect(second == "p2m-2-2")
    }

    /// Should follow the documented backoff table, with jitter within bounds and the cap held.
    @Test func backoffTable() {
        let config = AMIConfiguration.Backoff()
        let table = (1...9).map { AMIClient.backoff(attempt: $0, configuration: config, jitter: 0) }
        #expect(
            table == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
                .seconds(30), .seconds(30), .seconds(30),
            ])
        #expect(AMIClient.backoff(attempt: 1, configuration: config, jitter: 1) == .milliseconds(550))
        #expect(AMIClient.backoff(attempt: 1, configuration: config, jitter: -1) == .milliseconds(450))
        #expect(AMIClient.backoff(attempt: 3, configuration: config, jitter: 5) == .milliseconds(2200))  // clamped
        #expect(AMIClient.backoff(attempt: 100, configuration: config, jitter: 1) == .seconds(30))
        #expect(AMIClient.backoff(attempt: 100, configuration: config, jitter: -1) == .seconds(27))
        #expect(AMIClient.backoff(attempt: Int.max, configuration: config, jitter: 0) == .seconds(30))
        #expect(AMIClient.backoff(attempt: 0, configuration: config, jitter: 0) == .milliseconds(500))
    }
}
