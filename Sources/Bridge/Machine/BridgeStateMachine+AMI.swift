import AMI
import CallCenter
import Logging
import MQTT
import NIOCore

extension BridgeStateMachine {
    // MARK: Connection

    /// The AMI client's connection moved to `state`.
    mutating func amiStateChanged(_ state: AMIConnectionState, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        self.ami.state = state
        self.ami.since = now.wall
        self.ami.generation += 1
        switch state {
        case .connecting, .shutdown:
            self.abandonSync(reason: "the AMI connection is not up", at: now, into: &actions)
        case .connected(let info):
            var metadata: Logger.Metadata = [
                BridgeLogKey.amiHost: "\(info.host):\(info.port)", BridgeLogKey.amiVersion: "\(info.amiVersion)",
            ]
            if let outage = self.amiOutage, outage.attempts > 1 {
                metadata[BridgeLogKey.amiAttempts] = "\(outage.attempts)"
            }
            self.amiOutage = nil
            actions.append(.log(.info, "AMI connected", metadata))
            actions.append(.record(.amiConnected(true)))
            self.startSync(waiting: [], at: now, into: &actions)
        case .disconnected(let reason, let retryIn):
            self.abandonSync(reason: "the AMI connection dropped during the resync", at: now, into: &actions)
            actions.append(.record(.amiConnected(false)))
            actions.append(.record(.amiReconnect))
            // Logged once per outage and reason, not on every failed attempt. A TLS failure
            // will not fix itself: it is an error an operator must see.
            let text = "\(reason)"
            if let outage = self.amiOutage, outage.reason == text {
                self.amiOutage?.attempts += 1
            } else {
                self.amiOutage = (text, 1)
                let level: Logger.Level
                switch reason {
                case .tlsHandshakeFailed, .tlsSetupFailed: level = .error
                default: level = .info
                }
                actions.append(
                    .log(
                        level, "AMI disconnected; reconnecting",
                        [
                            BridgeLogKey.amiError: "\(reason)",
                            BridgeLogKey.amiRetryInMilliseconds: "\(retryIn.nanoseconds / 1_000_000)",
                        ]
                    )
                )
            }
            self.failWaitingOriginates(at: now, into: &actions)
        }
        self.publishAMIState(at: now, into: &actions)
        return actions
    }

    // MARK: Events

    /// An unsolicited AMI event: a command's answer, buffered during a sync, or applied to
    /// the model and published.
    mutating func amiEvent(_ event: AMIMessage, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        if self.commands.isWaitingForEvents, self.consumeCommandEvent(event, at: now, into: &actions) {
            return actions
        }
        if self.sync != nil {
            self.sync?.buffer(event, at: now.wall, statisticsList: Self.queueStatisticsList)
            return actions
        }
        guard self.ami.isConnected else { return actions }
        let changes = self.model.apply(event, at: now.wall)
        self.publish(changes, at: now, into: &actions)
        if !self.wrapUps.rules.isEmpty {
            self.wrapUp(after: changes, at: now, into: &actions)
        }
        self.logNewDiagnostics(into: &actions)
        return actions
    }

    // MARK: Answers

    /// Asterisk answered (or the client gave up on) an action the machine sent.
    mutating func amiResponse(
        _ request: AMIRequest, _ result: Result<AMIResponse, AMIClientError>, at now: BridgeInstant
    ) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        switch request {
        case .stateList(let generation, let index):
            guard var run = self.sync, run.generation == generation, run.pending.indices.contains(index) else {
                return []
            }
            switch result.flatMap({ response in Result { () throws(AMIClientError) in try response.checked() } }) {
            case .success(let response):
                // `run` alone holds the snapshot being built while it grows (no copy).
                self.sync = nil
                run.received(response.events, list: index, at: now.wall)
                if run.isComplete {
                    self.finishSync(&run, at: now, into: &actions)
                } else {
                    self.sync = run
                }
            case .failure(.actionFailed(let action, let message)) where Self.stateLists[index].optional:
                // Asterisk refused an optional list (no such family, no permission): the
                // sync goes on without it, and the refusal is logged, not fatal.
                actions.append(
                    .log(
                        .debug, "optional AMI state list refused; synchronising without it",
                        [BridgeLogKey.amiError: "\(action): \(message)"]))
                self.sync = nil
                run.received([], list: index, at: now.wall)
                if run.isComplete {
                    self.finishSync(&run, at: now, into: &actions)
                } else {
                    self.sync = run
                }
            case .failure(let error):
                self.syncFailed(reason: "\(error)", at: now, into: &actions)
            }
        case .command(let token, let step):
            self.commandAnswered(token, step: step, result, at: now, into: &actions)
        case .wrapUp(let agent, let queue, let paused):
            self.wrapUpAnswered(agent: agent, queue: queue, paused: paused, result, into: &actions)
        }
        return actions
    }

    // MARK: Sync

    /// Fetches the full state (never polls afterwards: the event stream keeps it current).
    mutating func startSync(waiting: [CommandToken], at now: BridgeInstant, into actions: inout [BridgeAction]) {
        let generation = self.ami.generation
        self.sync = SyncRun(
            generation: generation, lists: Self.stateLists.count, configuration: self.configuration.callCenter,
            waiting: waiting, at: now)
        for (index, list) in Self.stateLists.enumerated() {
            actions.append(.sendAMI(list.action, .stateList(generation: generation, index: index), timeout: nil))
        }
    }

    /// Replaces the model by the one `run` built from the state lists (plus the events
    /// buffered meanwhile) and publishes only what differs from what subscribers already have.
    private mutating func finishSync(_ run: inout SyncRun, at now: BridgeInstant, into actions: inout [BridgeAction]) {
        let items = run.snapshot.itemCount
        var snapshot = run.snapshot.finish(previous: self.model)
        var events: [CallCenterChange] = []
        for (event, time, statistics) in run.buffered {
            for change in snapshot.apply(event, at: time, statistics: statistics) {
                if case .event = change { events.append(change) }
            }
        }
        // The changes go out as the diff finds them, never all held at once; the old model
        // lives on only in `old`, its view.
        let old = self.model.view
        let new = snapshot.view
        self.model = snapshot
        var changed = 0
        CallCenterState.forEachDifference(old, new, at: now.wall) { change in
            changed += 1
            self.publish(change, at: now, into: &actions)
        }
        self.publish(events, at: now, into: &actions)
        self.logNewDiagnostics(into: &actions)
        self.hasSynced = true
        if case .harvesting(var sweep) = self.sweep {
            sweep.finishSync()
            self.sweep = .harvesting(sweep)
            self.clearStaleTopics(into: &actions)
        }
        let milliseconds = (now.uptime - run.started.uptime).nanoseconds / 1_000_000
        actions.append(.record(.synced(changes: changed, milliseconds: milliseconds)))
        actions.append(
            .log(
                .info, "AMI state synchronised",
                [
                    BridgeLogKey.syncItems: "\(items)", BridgeLogKey.syncChanges: "\(changed)",
                    BridgeLogKey.syncMilliseconds: "\(milliseconds)",
                ]
            )
        )
        for token in run.waiting {
            self.finish(
                token, status: .ok, data: .object(["changed": .number(Double(changed))]), at: now, into: &actions)
        }
    }

    private mutating func syncFailed(reason: String, at now: BridgeInstant, into actions: inout [BridgeAction]) {
        guard let run = self.sync else { return }
        self.sync = nil
        actions.append(.log(.warning, "initial AMI state sync failed; retrying", [BridgeLogKey.amiError: "\(reason)"]))
        for token in run.waiting {
            self.finish(token, error: CommandError(.amiError, reason), at: now, into: &actions)
        }
        let retry = TimeAmount.milliseconds(Int64(self.configuration.syncRetrySeconds * 1000))
        actions.append(.schedule(.syncRetry(generation: run.generation), at: now.uptime + retry))
    }

    /// Drops the fetch under way (its connection is gone), answering the resyncs waiting for it.
    mutating func abandonSync(reason: String, at now: BridgeInstant, into actions: inout [BridgeAction]) {
        guard let run = self.sync else { return }
        self.sync = nil
        for token in run.waiting {
            self.finish(token, error: CommandError(.amiUnavailable, reason), at: now, into: &actions)
        }
    }
}
