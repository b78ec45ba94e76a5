import CallCenter
import Logging
import MQTT
import NIOCore

extension BridgeStateMachine {
    // MARK: Connection

    /// The broker accepted the current client's connection (first connect or reconnect).
    /// - Parameter queued: publications the client still holds unacknowledged from before
    ///   (it resends them now); with any, the state waits until they are acknowledged.
    mutating func mqttConnected(queued: Int = 0, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        self.mqttUp = true
        self.closedBeforeConnackLogged = false
        if let refusals = self.refusals {
            actions.append(
                .log(
                    .info, "MQTT broker accepts the connection again", [BridgeLogKey.mqttRefusals: "\(refusals.count)"])
            )
            self.refusals = nil
        }
        if let failures = self.tlsFailures {
            actions.append(
                .log(.info, "MQTT TLS handshake succeeds again", [BridgeLogKey.mqttTLSFailures: "\(failures.count)"]))
            self.tlsFailures = nil
        }
        actions.append(.record(.mqttConnected(true)))
        // A harvest of the previous connection starts over: the broker may have restarted since
        // (with nothing, or with its store). The client renews the sweep's subscriptions by
        // itself, but in libmosquitto's connect callback, before libmosquitto resends what was
        // unacknowledged, so that replay misses the resent values; its window is the old one.
        if case .harvesting = self.sweep {
            self.sweep = .notStarted
            self.harvestWindow = nil
            actions.append(.cancel(.sweepWindow))
        }
        // With publications being resent, the sweep waits for them (see `republish(at:into:)`).
        if queued == 0 || !self.isActive {
            self.startSweepIfNeeded(at: now, into: &actions)
        }
        actions.append(
            .log(
                .info, "MQTT connected; publishing retained state",
                [BridgeLogKey.mqttTopics: "\(self.model.view.count)"]))
        // Whatever waited is superseded: the whole view goes out again.
        self.deferred.removeAll()
        self.endBackPressure(at: now, into: &actions)
        if self.role?.role == .deciding {
            actions.append(.schedule(.failoverWindow, at: now.uptime + Self.failoverWindow))
        }
        // A standby instance publishes nothing; it takes over with all of this.
        guard self.isActive else { return actions }
        self.publishBridgeState(online: self.lifecycle == .running, at: now, into: &actions)
        guard queued == 0 else {
            // Values published just before the connection dropped (before the bridge knew)
            // are being resent: publishing the view now could put them after newer ones.
            self.republishPending = true
            actions.append(.notifyWhenQueued(atMost: 0))
            actions.append(.schedule(.republishWait, at: now.uptime + Self.republishWait))
            actions.append(
                .log(
                    .info, "MQTT resending publications from before the reconnect; state follows once acknowledged",
                    [BridgeLogKey.mqttQueued: "\(queued)"]))
            return actions
        }
        self.republish(at: now, into: &actions)
        return actions
    }

    /// `bridge/ami` and the model's whole view: the model's view is exactly the retained state,
    /// so a broker that lost its store (or a first connect) gets all of it.
    ///
    /// After publications from before a reconnect were resent, the stale-topic sweep starts
    /// only now: the broker replays what it retains when the subscription arrives, and
    /// libmosquitto sends beyond its in-flight window only as acknowledgements come, so a
    /// subscription at the connect could arrive before some of them. A resent value of a call
    /// that ended during the outage would then never be harvested, and stay.
    mutating func republish(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        if self.republishPending {
            actions.append(.cancel(.republishWait))
            self.startSweepIfNeeded(at: now, into: &actions)
        }
        self.republishPending = false
        self.publishAMIState(at: now, into: &actions)
        self.publish(self.model.fullView, at: now, into: &actions)
        self.publishHomeAssistantConfigs(into: &actions)
    }

    /// A standby instance that took over: the view and a fresh sweep (what the previous
    /// active instance left that went stale meanwhile is cleared once the first sync is done).
    ///
    /// Always a fresh one: a harvest still under way has seen only what the broker held when
    /// this instance connected, not what the previous active instance published since (live,
    /// so not marked retained), and would leave that behind. Subscribing again makes the
    /// broker replay every retained topic as it stands now; its window starts over.
    mutating func republishAfterTakeover(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        if case .harvesting(let sweep) = self.sweep, !sweep.harvestDone {
            for filter in sweep.filters {
                actions.append(.unsubscribe(filter))
            }
        }
        self.sweep = .notStarted
        self.startSweepIfNeeded(at: now, into: &actions)
        self.republish(at: now, into: &actions)
    }

    /// The broker refused the connection; the client retries with backoff. Logged once per
    /// run of refusals with the same code, not on every attempt.
    mutating func mqttRefused(code: Int, reason: String, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        if self.mqttUp {
            self.mqttUp = false
            actions.append(.record(.mqttConnected(false)))
        }
        if let refusals = self.refusals, refusals.code == code {
            self.refusals?.count += 1
            return actions
        }
        self.refusals = (code, 1)
        actions.append(
            .log(
                .error, "MQTT broker refused the connection; retrying",
                [BridgeLogKey.mqttCode: "\(code)", BridgeLogKey.mqttReason: "\(reason)"]
            )
        )
        return actions
    }

    /// The connection to the broker ended; the client reconnects by itself.
    mutating func mqttDisconnected(reason: String, at now: BridgeInstant) -> [BridgeAction] {
        guard self.mqttUp else { return [] }
        self.mqttUp = false
        var actions: [BridgeAction] = [
            .record(.mqttConnected(false)),
            .log(.info, "MQTT disconnected", [BridgeLogKey.mqttReason: "\(reason)"]),
        ]
        // Everything is published again on the next connect; nothing to keep.
        if self.republishPending {
            self.republishPending = false
            actions.append(.cancel(.republishWait))
        }
        self.deferred.removeAll()
        self.endBackPressure(at: now, into: &actions)
        return actions
    }

    /// A message on a subscribed topic: a command, or a retained topic the sweep looks at.
    mutating func mqttMessage(_ message: MQTTMessage, at now: BridgeInstant) -> [BridgeAction] {
        if case .harvesting(var sweep) = self.sweep {
            if sweep.received(topic: message.topic, retained: message.retain, empty: message.payload.isEmpty) {
                // No timer per message (100,000 at 20,000 agents): the window's timer looks
                // at the latest one when it fires.
                self.harvestWindow?.replayed(at: now.uptime)
            }
            self.sweep = .harvesting(sweep)
        }
        if self.isHomeAssistantOnline(message) {
            var actions: [BridgeAction] = [
                .log(.info, "Home Assistant is online; sending discovery configs again", [:])
            ]
            self.publishHomeAssistantConfigs(into: &actions)
            return actions
        }
        if self.role != nil, message.topic == self.configuration.layout.bridgeState {
            return self.failoverObserved(message, at: now)
        }
        guard let command = self.configuration.layout.commandName(of: message.topic) else { return [] }
        if let role = self.role, !role.mayExecuteCommands {
            return self.commandSeenInactive(command, message: message, at: now)
        }
        return self.commandReceived(command, message: message, at: now)
    }

    // MARK: Back-pressure

    /// The client did not take `message`. Retained state waits for room (newest value per
    /// topic); events and replies are dropped and counted. Either way the episode is logged
    /// once when it starts and once when it ends.
    mutating func publicationFailed(
        _ message: MQTTMessage, _ kind: PublishKind, error: MQTTError, at now: BridgeInstant
    ) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        guard case .queueFull = error else {
            actions.append(.record(.dropped(kind)))
            actions.append(
                .log(
                    .debug, "MQTT publish failed",
                    [BridgeLogKey.mqttTopic: "\(message.topic)", BridgeLogKey.error: "\(error)"]))
            return actions
        }
        self.startBackPressure(at: now, into: &actions)
        if kind == .state {
            guard self.mqttUp else { return actions }
            self.deferred.push(message)
            self.backPressure?.deferred += 1
        } else {
            self.backPressure?.dropped += 1
            actions.append(.record(.dropped(kind)))
        }
        return actions
    }

    /// The client's queue went down to `queued` publications: send waiting state into the
    /// window, or go on with a drain (reload, shutdown) that waited for an empty queue.
    /// Shutdown sends what still waits first: its drain ends once that is out too.
    mutating func mqttQueueBelow(queued: Int, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        let shuttingDown = self.lifecycle == .stopping(.mqttDrain)
        let flushing = shuttingDown && self.mqttUp && !self.deferred.isEmpty
        if queued == 0, (shuttingDown && !flushing) || self.mqttSwap?.step == .draining {
            actions.append(.cancel(.mqttDrain))
            self.drained(into: &actions)
            return actions
        }
        if self.mqttUp, self.republishPending {
            // Until what was resent is acknowledged no state went out, so none waits either.
            guard queued == 0 else { return [.notifyWhenQueued(atMost: 0)] }
            self.republish(at: now, into: &actions)
            return actions
        }
        guard self.mqttUp, self.backPressure != nil, !self.deferred.isEmpty else { return [] }
        // Fill the window. When it is the client's whole queue, keep some room for events
        // and replies.
        let window = self.stateWindow
        let room = max(0, window - queued)
        var budget = max(1, window < self.mqttQueueLimit ? room : room * 3 / 4)
        while budget > 0, let message = self.deferred.pop() {
            actions.append(.publishState(message))
            budget -= 1
        }
        if shuttingDown {
            actions.append(.notifyWhenQueued(atMost: 0))
        } else if self.deferred.isEmpty {
            // Not the end yet: a flood refills the window again and again. The episode ends
            // once nothing had to wait for a while.
            self.backPressure?.clearedAt = now.uptime
            actions.append(.schedule(.backPressureQuiet, at: now.uptime + Self.backPressureQuiet))
        } else {
            actions.append(.notifyWhenQueued(atMost: window / 2))
        }
        return actions
    }

    /// Starts an episode (its one opening line), or goes on with one whose state had all gone
    /// out (no new line: the same flood).
    private mutating func startBackPressure(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        if var episode = self.backPressure {
            guard episode.clearedAt != nil else { return }
            episode.clearedAt = nil
            self.backPressure = episode
            actions.append(.notifyWhenQueued(atMost: self.stateWindow / 2))
            return
        }
        self.backPressure = BackPressure(started: now.uptime)
        actions.append(
            .log(
                .info, "MQTT outgoing queue full: state waits (newest value per topic), events are dropped",
                [
                    BridgeLogKey.mqttQueueLimit: "\(self.mqttQueueLimit)",
                    BridgeLogKey.mqttStateWindow: "\(self.stateWindow)",
                ]
            )
        )
        actions.append(.notifyWhenQueued(atMost: self.stateWindow / 2))
    }

    /// Ends a back-pressure episode, if one is under way, with its one summary line.
    mutating func endBackPressure(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        guard let episode = self.backPressure else { return }
        self.backPressure = nil
        let waited = self.deferred.count
        self.deferred.removeAll()
        if episode.clearedAt != nil {
            actions.append(.cancel(.backPressureQuiet))
        }
        let end = episode.clearedAt ?? now.uptime
        actions.append(
            .log(
                .info, "MQTT outgoing queue drained",
                [
                    BridgeLogKey.mqttDeferred: "\(episode.deferred)", BridgeLogKey.mqttDropped: "\(episode.dropped)",
                    BridgeLogKey.mqttAbandoned: "\(waited)",
                    BridgeLogKey.mqttMilliseconds: "\((end - episode.started).nanoseconds / 1_000_000)",
                ]
            )
        )
    }
}
