import NIOCore

/// The handshake and the connected session: banner, login, filters, keepalive pings and
/// the answers to them.
extension AMIConnectionStateMachine {
    /// The decoder read the banner.
    mutating func bannerReceived(product: String, version: String) -> Action {
        guard case .awaitingBanner(let attempt) = self.state else { return .none }
        let banner = Banner(product: product, version: version)
        switch self.configuration.authType {
        case .md5:
            self.state = .challenging(attempt: attempt, banner: banner)
            let challenge = AMIAction("Challenge", [AMIField("AuthType", "MD5")])
            return .write([self.outgoing(.challenge, challenge)])
        case .plain:
            self.state = .loggingIn(attempt: attempt, banner: banner)
            let login = AMIAction(
                "Login",
                [
                    AMIField("Username", self.configuration.username),
                    AMIField("Secret", self.configuration.secret),
                    AMIField("Events", self.configuration.eventMask),
                ])
            return .write([self.outgoing(.login, login)])
        }
    }

    /// No banner within the timeout.
    mutating func bannerTimedOut() -> Action {
        guard case .awaitingBanner(let attempt) = self.state else { return .none }
        self.state = .closing(attempt: attempt, reason: .bannerTimeout)
        return .close
    }

    /// An internal action was answered.
    mutating func internalResponse(_ kind: InternalAction, _ response: AMIResponse) -> Action {
        switch (kind, self.state) {
        case (.challenge, .challenging(let attempt, let banner)):
            guard !response.isError, let challenge = response["Challenge"], !challenge.isEmpty else {
                self.state = .closing(
                    attempt: attempt, reason: .loginFailed(message: response.message ?? "no MD5 challenge"))
                return .close
            }
            self.state = .loggingIn(attempt: attempt, banner: banner)
            let login = AMIAction(
                "Login",
                [
                    AMIField("AuthType", "MD5"),
                    AMIField("Username", self.configuration.username),
                    AMIField("Key", Self.md5Key(challenge: challenge, secret: self.configuration.secret)),
                    AMIField("Events", self.configuration.eventMask),
                ])
            return .write([self.outgoing(.login, login)])

        case (.login, .loggingIn(let attempt, let banner)):
            if response.isError {
                self.state = .closing(
                    attempt: attempt, reason: .loginFailed(message: response.message ?? "Authentication failed"))
                return .close
            }
            if self.configuration.filters.isEmpty {
                self.state = .connected(banner: banner, ping: .idle)
                return .reportConnected(self.serverInfo(banner), filterRefusals: [])
            }
            self.state = .filtering(banner: banner, waiting: self.configuration.filters.count, refusals: [])
            let filters = self.configuration.filters.map { filter in
                self.outgoing(
                    .filter(filter), AMIAction("Filter", [AMIField("Operation", "Add"), AMIField("Filter", filter)]))
            }
            return .write(filters)

        case (.filter(let filter), .filtering(let banner, let waiting, var refusals)):
            if response.isError {
                refusals.append(FilterRefusal(filter: filter, message: response.message ?? ""))
            }
            if waiting > 1 {
                self.state = .filtering(banner: banner, waiting: waiting - 1, refusals: refusals)
                return .none
            }
            self.state = .connected(banner: banner, ping: .idle)
            return .reportConnected(self.serverInfo(banner), filterRefusals: refusals)

        case (.ping, .connected(let banner, _)):
            self.state = .connected(banner: banner, ping: .idle)
            return .none

        case (.logoff, .shuttingDown):
            return .close

        default:
            return .none
        }
    }

    /// An internal action got no answer in time.
    mutating func internalActionTimedOut(_ kind: InternalAction) -> Action {
        switch (kind, self.state) {
        case (.challenge, .challenging(let attempt, _)):
            self.state = .closing(attempt: attempt, reason: .timeout(action: "Challenge"))
            return .close
        case (.login, .loggingIn(let attempt, _)):
            self.state = .closing(attempt: attempt, reason: .timeout(action: "Login"))
            return .close
        case (.filter, .filtering):
            self.state = .closing(attempt: nil, reason: .timeout(action: "Filter"))
            return .close
        case (.ping, .connected(let banner, .outstanding(progressSeen: true))):
            // Asterisk answers a session's actions in order: the Ping waits behind a long
            // list that is still arriving. The connection is alive; wait once more.
            self.state = .connected(banner: banner, ping: .outstanding(progressSeen: false))
            return .extendTimeout(self.configuration.keepaliveTimeout)
        case (.ping, .connected):
            self.state = .closing(attempt: nil, reason: .keepaliveTimeout)
            return .close
        case (.logoff, .shuttingDown):
            return .close
        default:
            return .none
        }
    }

    /// A response or list item for an earlier action arrived: Asterisk is working through
    /// the session's queue, so an unanswered Ping is not yet a dead connection.
    mutating func actionProgressReceived() {
        if case .connected(let banner, .outstanding(progressSeen: false)) = self.state {
            self.state = .connected(banner: banner, ping: .outstanding(progressSeen: true))
        }
    }

    /// The keepalive interval has passed.
    mutating func keepaliveTimerFired() -> Action {
        guard case .connected(let banner, .idle) = self.state else { return .none }
        self.state = .connected(banner: banner, ping: .outstanding(progressSeen: false))
        let ping = Outgoing(
            kind: .ping,
            actionID: self.makeActionID(),
            action: AMIAction("Ping"),
            timeout: self.configuration.keepaliveTimeout
        )
        return .write([ping])
    }
}
