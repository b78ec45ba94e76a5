import Metrics
import NIOCore

/// The bridge's counters and gauges (swift-metrics; the executable picks the backend).
///
/// Used only on the bridge's event loop (it lives in the bridge's loop-bound shell). Dimensions
/// are bounded: event names come from Asterisk's fixed set, publish kinds and command names
/// from the bridge's own enums.
final class BridgeMetrics {
    private let amiConnectedGauge = Gauge(label: MetricName.amiConnected)
    private let mqttConnectedGauge = Gauge(label: MetricName.mqttConnected)
    private let amiReconnects = Counter(label: MetricName.amiReconnects)
    private let reducerTimer = Timer(label: MetricName.reducerDuration)
    private let syncTimer = Timer(label: MetricName.syncDuration)
    private let syncChanges = Counter(label: MetricName.syncChanges)
    // One property per kind, not a dictionary: `published` runs for every message.
    private let statePublishes = BridgeMetrics.perKind(MetricName.mqttPublishes, .state)
    private let eventPublishes = BridgeMetrics.perKind(MetricName.mqttPublishes, .event)
    private let replyPublishes = BridgeMetrics.perKind(MetricName.mqttPublishes, .reply)
    private let drops: [PublishKind: Counter] = [
        .state: BridgeMetrics.perKind(MetricName.mqttDropped, .state),
        .event: BridgeMetrics.perKind(MetricName.mqttDropped, .event),
        .reply: BridgeMetrics.perKind(MetricName.mqttDropped, .reply),
    ]

    private static func perKind(_ label: String, _ kind: PublishKind) -> Counter {
        Counter(label: label, dimensions: [(MetricName.Label.kind, kind.rawValue)])
    }

    func amiConnected(_ connected: Bool) { self.amiConnectedGauge.record(connected ? 1 : 0) }
    func mqttConnected(_ connected: Bool) { self.mqttConnectedGauge.record(connected ? 1 : 0) }
    func amiReconnect() { self.amiReconnects.increment() }

    /// Counters per event name, created once: making a counter goes through the metrics
    /// factory's lock and lookup, too slow for every event.
    private var eventCounters: [String: Counter] = [:]

    func amiEvent(_ name: String) {
        Self.cached(&self.eventCounters, name) {
            Counter(label: MetricName.amiEvents, dimensions: [(MetricName.Label.event, name)])
        }.increment()
    }

    /// The metric stored under `key`, made once by `make`.
    private static func cached<M>(_ cache: inout [String: M], _ key: String, _ make: () -> M) -> M {
        if let metric = cache[key] { return metric }
        let metric = make()
        cache[key] = metric
        return metric
    }

    func published(_ kind: PublishKind) {
        switch kind {
        case .state: self.statePublishes.increment()
        case .event: self.eventPublishes.increment()
        case .reply: self.replyPublishes.increment()
        }
    }
    func dropped(_ kind: PublishKind) { self.drops[kind]?.increment() }

    func synced(changes: Int, millis: Int64) {
        self.syncChanges.increment(by: changes)
        self.syncTimer.recordMilliseconds(millis)
    }

    private var commandCounters: [String: Counter] = [:]
    private var commandTimers: [String: Timer] = [:]

    func command(_ name: String, status: String, nanoseconds: Int64) {
        Self.cached(&self.commandCounters, "\(name) \(status)") {
            Counter(
                label: MetricName.commands,
                dimensions: [(MetricName.Label.command, name), (MetricName.Label.status, status)])
        }.increment()
        Self.cached(&self.commandTimers, name) {
            Timer(label: MetricName.commandDuration, dimensions: [(MetricName.Label.command, name)])
        }.recordNanoseconds(nanoseconds)
    }

    /// Records what the state machine measured.
    func record(_ metric: BridgeMetric) {
        switch metric {
        case .amiConnected(let connected): self.amiConnected(connected)
        case .mqttConnected(let connected): self.mqttConnected(connected)
        case .amiReconnect: self.amiReconnect()
        case .synced(let changes, let milliseconds): self.synced(changes: changes, millis: milliseconds)
        case .command(let name, let status, let nanoseconds):
            self.command(name, status: status, nanoseconds: nanoseconds)
        case .dropped(let kind): self.dropped(kind)
        }
    }

    /// Records how long the reducer (and the machine around it) took for an event that
    /// arrived at `start` (the input's own timestamp: one clock reading fewer per event).
    func reducerRan(since start: NIODeadline) {
        self.reducerTimer.recordNanoseconds((NIODeadline.now() - start).nanoseconds)
    }
}
