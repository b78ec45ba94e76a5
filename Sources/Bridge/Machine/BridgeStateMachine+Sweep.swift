import CallCenter
import Logging
import MQTT
import NIOCore

/// The stale-topic sweep's part of the machine: the subscriptions that harvest what the broker
/// retains under the prefix, the window that ends the harvest (``HarvestWindow``), and the
/// clearing of what the model no longer holds.
extension BridgeStateMachine {
    // MARK: Stale retained topics

    /// After a connect, briefly subscribes to the bridge's own state topics to find retained
    /// ones an earlier run left behind.
    ///
    /// On every connect, not only the first: a broker that restarted from its store (or one
    /// saved before the bridge's last clears) brings back topics the bridge cleared, or
    /// would have cleared while it was away; only the model can tell they are stale.
    mutating func startSweepIfNeeded(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        if case .harvesting = self.sweep { return }
        var sweep = StaleTopicSweep(layout: self.configuration.layout, discovery: self.configuration.homeAssistant)
        if self.hasSynced {
            sweep.finishSync()
        }
        self.sweep = .harvesting(sweep)
        // Only what the broker replays on subscribe matters: "no local" keeps the bridge's own
        // publications (the whole initial sync, as it happens) from coming back to it.
        let filters = sweep.filters
        for filter in filters {
            actions.append(.subscribe(filter, .atMostOnce, retainAsPublished: false, noLocal: true))
        }
        // Until the SUBACKs come the window can only end at its cap.
        let window = HarvestWindow(subscriptions: filters.count, at: now.uptime)
        self.harvestWindow = window
        actions.append(.schedule(.sweepWindow, at: window.end))
    }

    /// The client took a subscription the machine asked for: `mid` is its SUBSCRIBE's message
    /// id, nil when it could not be sent now. The shell reports it at once, on the loop, so it
    /// comes before the SUBACK (`mqttSubscribed`) even when the broker answers faster than
    /// `subscribe` returns.
    mutating func mqttSubscribeSent(_ filter: String, mid: Int32?, at now: BridgeInstant) -> [BridgeAction] {
        guard case .harvesting(let sweep) = self.sweep, !sweep.harvestDone, var window = self.harvestWindow,
            window.waitsForIDs, sweep.filters.contains(filter)
        else { return [] }
        let alreadyFixed = window.unacknowledgeable
        window.sent(mid: mid)
        self.harvestWindow = window
        guard mid == nil, !alreadyFixed else { return [] }
        // No SUBACK will tell when this replay starts: the fixed window from the subscribe
        // (one line for the sweep, however many of its subscriptions went unsent).
        return [
            .schedule(.sweepWindow, at: window.end),
            .log(
                .info, "MQTT sweep subscription not sent now; harvesting for a fixed window",
                [BridgeLogKey.mqttFilter: "\(filter)"]),
        ]
    }

    /// The broker acknowledged a subscription. Once it has all of the sweep's, the replay is
    /// under way and the harvest ends when it has been quiet for `HarvestWindow.quiet`.
    mutating func mqttSubscribed(mid: Int32, at now: BridgeInstant) -> [BridgeAction] {
        guard var window = self.harvestWindow, window.acknowledge(mid: mid, at: now.uptime) else { return [] }
        self.harvestWindow = window
        guard window.acknowledged != nil else { return [] }
        return [.schedule(.sweepWindow, at: window.end)]
    }

    /// The window's timer: ends the harvest when its end has come (logging once when that was
    /// the cap), else asks again for the end as it stands now (replayed messages moved it).
    mutating func harvestWindowTimerFired(at now: BridgeInstant, into actions: inout [BridgeAction]) {
        guard let window = self.harvestWindow else { return }
        guard now.uptime >= window.end else {
            actions.append(.schedule(.sweepWindow, at: window.end))
            return
        }
        // Disconnected, the SUBACKs and the replay could not come: no broker to blame, and
        // the next connect sweeps afresh.
        if window.cappedAt(now.uptime), self.mqttUp {
            actions.append(
                .log(
                    .warning,
                    "MQTT stale-topic sweep: the broker's replay of retained topics did not end within the cap; "
                        + "topics replayed later stay until the next connect",
                    [
                        BridgeLogKey.mqttTopics: "\(self.harvestedCount)",
                        BridgeLogKey.mqttMilliseconds: "\(HarvestWindow.cap.nanoseconds / 1_000_000)",
                        BridgeLogKey.mqttUnacknowledged: "\(window.awaiting.count + window.unreported)",
                    ]))
        }
        self.finishHarvest(into: &actions)
    }

    /// Retained topics the harvest under way has collected.
    private var harvestedCount: Int {
        guard case .harvesting(let sweep) = self.sweep else { return 0 }
        return sweep.harvested.count
    }

    mutating func finishHarvest(into actions: inout [BridgeAction]) {
        guard case .harvesting(var sweep) = self.sweep else { return }
        self.harvestWindow = nil
        for filter in sweep.filters {
            actions.append(.unsubscribe(filter))
        }
        sweep.finishHarvest()
        self.sweep = .harvesting(sweep)
        self.clearStaleTopics(into: &actions)
    }

    /// Clears what the sweep found once it can tell (harvest and first sync both done).
    mutating func clearStaleTopics(into actions: inout [BridgeAction]) {
        guard self.isActive, case .harvesting(let sweep) = self.sweep, sweep.canTell else { return }
        let layout = self.configuration.layout
        // Usually nothing was harvested (a broker without an earlier run's topics): then the
        // topics of a large model (100,000 at 20,000 agents) are not spelled out for nothing.
        var current: Set<String> = []
        if !sweep.harvested.isEmpty {
            current = Set(self.model.view.keys.compactMap { try? layout.topic(for: $0) })
            if let discovery = self.configuration.homeAssistant {
                let entities = [HomeAssistantEntity.bridge] + self.homeAssistantEntities.keys
                current.formUnion(entities.flatMap { discovery.topics(for: $0) })
            }
        }
        guard let stale = sweep.stale(current: current) else { return }
        self.sweep = .done
        guard sweep.layout == layout, sweep.discovery == self.configuration.homeAssistant else { return }
        for topic in stale {
            actions.append(
                .publish(MQTTMessage(topic: topic, payload: [], qos: self.configuration.stateQoS, retain: true), .state)
            )
        }
        if !stale.isEmpty {
            actions.append(
                .log(
                    .info, "cleared stale retained topics left by an earlier run",
                    [BridgeLogKey.mqttTopics: "\(stale.count)"]))
        }
    }
}
