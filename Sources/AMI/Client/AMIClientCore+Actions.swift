import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Carrying out the state machine's actions: connecting, writing, timers, reporting.
extension AMIClientCore {
    func run(_ action: AMIConnectionStateMachine.Action) {
        switch action {
        case .none:
            break

        case .connect(let attempt):
            self.connectionCounter += 1
            let connection = self.connectionCounter
            self.activeConnection = connection
            // Connects, disconnects and refusals are the delegate's to log, once each (the
            // library reports them as state changes); here they are debug detail.
            self.logger.debug("connecting to AMI", metadata: [AMILogKey.attempt: "\(attempt)"])
            // Reported before connecting: a connector may fail synchronously, and the
            // delegate must see `.connecting` before that attempt's `.disconnected`.
            self.delegate?.amiConnectionStateChanged(.connecting(attempt: attempt))
            let box = self.box
            let maxPacketSize = self.configuration.maxPacketSize
            let tls: NIOSSLContext?
            switch self.tlsContext {
            case .failure(let error):
                self.activeConnection = nil
                self.run(self.machine.connectFailed(error))
                return
            case .success(let context):
                tls = context
            case nil:
                tls = nil
            }
            let serverName = AMITLSConfiguration.serverName(for: self.configuration.host)
            let future = self.connector(self.eventLoop, self.configuration) { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let box else { throw AMIClientError.shutdown }
                    if let tls {
                        // SNI is ami.host; the certificate is checked against it (or, for an
                        // IP address, against the peer address) once the handshake completes.
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(AMIMessageDecoder(expectBanner: true, maxPacketSize: maxPacketSize)),
                        MessageToByteHandler(AMIMessageEncoder()),
                        AMIChannelHandler(connection: connection, core: box),
                    ])
                }
            }
            future.assumeIsolated().whenComplete { result in
                switch result {
                case .success(let channel):
                    if connection != self.activeConnection {
                        // Shut down or given up while connecting: nobody wants this channel.
                        channel.close(promise: nil)
                    } else if self.channel == nil, channel.isActive {
                        self.channel = channel
                    }
                case .failure(let error):
                    self.connectFailed(connection, error)
                }
            }

        case .awaitBanner(let timeout):
            self.bannerTimer = self.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.bannerTimer = nil
                self.run(self.machine.bannerTimedOut())
            }

        case .write(let outgoing):
            guard let channel = self.channel else {
                self.run(self.machine.connectionFailed(.connectionClosed))
                return
            }
            for item in outgoing {
                let message = item.action.message(actionID: item.actionID)
                do {
                    try AMIMessageEncoder.validate(message)
                } catch {
                    // Only a username, secret or filter holding CR/LF gets here: a
                    // configuration error, reported as the reason of the disconnect.
                    self.run(self.machine.connectionFailed(.encoding(error)))
                    return
                }
                let actionID = item.actionID
                let timer = self.eventLoop.assumeIsolated().scheduleTask(in: item.timeout) {
                    self.actionTimedOut(actionID)
                }
                self.pending.add(
                    actionID: actionID, action: item.action.name, waiter: .machine(item.kind, timer: timer))
                // Only the name and the ID: a Login's fields hold the secret or its hash.
                self.logger.debug(
                    "sending AMI action",
                    metadata: [AMILogKey.action: "\(item.action.name)", AMILogKey.actionID: "\(actionID)"]
                )
                self.write(message, actionID: actionID, on: channel)
            }
            channel.flush()

        case .reportConnected(let info, let refusals):
            self.logRefusedFilters(refusals)
            self.logger.debug(
                "connected to AMI",
                metadata: [AMILogKey.product: "\(info.product)", AMILogKey.version: "\(info.amiVersion)"]
            )
            self.scheduleKeepalive()
            self.delegate?.amiConnectionStateChanged(.connected(info))

        case .extendTimeout:
            preconditionFailure("only actionTimedOut receives extendTimeout")

        case .close:
            self.keepaliveTimer?.cancel()
            self.keepaliveTimer = nil
            if let channel = self.channel {
                channel.close(promise: nil)
            } else {
                self.activeConnection = nil
                self.run(self.machine.channelClosed())
            }

        case .scheduleReconnect(let reason, let delay):
            self.stopTimers()
            self.failAllPending()
            self.logger.debug(
                "AMI disconnected, reconnecting after a delay",
                metadata: [
                    AMILogKey.error: "\(reason)",
                    AMILogKey.retryIn: "\(Double(delay.nanoseconds) / 1e9)s",
                ]
            )
            self.reconnectTimer = self.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                self.reconnectTimer = nil
                self.run(self.machine.reconnectTimerFired())
            }
            self.delegate?.amiConnectionStateChanged(.disconnected(reason, retryIn: delay))

        case .finishShutdown:
            self.stopTimers()
            self.reconnectTimer?.cancel()
            self.reconnectTimer = nil
            self.failAllPending()
            self.activeConnection = nil
            self.channel = nil
            self.logger.debug("AMI client shut down")
            let delegate = self.delegate
            self.delegate = nil
            self.box = nil
            delegate?.amiConnectionStateChanged(.shutdown)
            self.shutdownPromise?.succeed()
        }
    }

    private func stopTimers() {
        self.keepaliveTimer?.cancel()
        self.keepaliveTimer = nil
        self.bannerTimer?.cancel()
        self.bannerTimer = nil
    }

    private func scheduleKeepalive() {
        self.keepaliveTimer?.cancel()
        // A zero interval turns keepalive off (ami.keepaliveSeconds: 0).
        guard self.configuration.keepaliveInterval > .zero else { return }
        self.keepaliveTimer = self.eventLoop.assumeIsolated().scheduleTask(in: self.configuration.keepaliveInterval) {
            self.keepaliveTimer = nil
            guard self.machine.isConnected else { return }
            self.scheduleKeepalive()
            self.run(self.machine.keepaliveTimerFired())
        }
    }

    private func failAllPending() {
        for entry in self.pending.removeAll() {
            entry.waiter.timer?.cancel()
            if case .caller(let promise, _) = entry.waiter {
                promise.fail(AMIClientError.connectionClosed)
            }
        }
    }

    private func logRefusedFilters(_ refusals: [AMIConnectionStateMachine.FilterRefusal]) {
        guard !refusals.isEmpty else { return }
        let denied = refusals.filter(\.isPermissionDenied)
        if !denied.isEmpty {
            let metadata: Logger.Metadata = [
                AMILogKey.message: "\(denied[0].message)",
                AMILogKey.filtersRefused: "\(denied.count)",
            ]
            if self.filterDenialLogged {
                self.logger.debug("Asterisk refused the event filters; using the Events mask alone", metadata: metadata)
            } else {
                self.filterDenialLogged = true
                self.logger.info(
                    "Asterisk refused the event filters; using the Events mask alone (grant the AMI user write=system, or put eventfilter lines in manager.conf)",
                    metadata: metadata
                )
            }
        }
        for refusal in refusals where !refusal.isPermissionDenied {
            self.logger.info(
                "Asterisk refused an event filter",
                metadata: [AMILogKey.filter: "\(refusal.filter)", AMILogKey.message: "\(refusal.message)"]
            )
        }
    }
}
