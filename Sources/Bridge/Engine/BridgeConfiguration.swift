import CallCenter
import MQTT

/// What the bridge needs to know besides its two connections.
public struct BridgeConfiguration: Sendable {
    public var layout: TopicLayout
    /// QoS of retained state topics (contract default 1).
    public var stateQoS: MQTTQoS
    /// QoS of event topics (contract default 1).
    public var eventQoS: MQTTQoS
    /// QoS of command replies (contract default 1).
    public var replyQoS: MQTTQoS
    public var callCenter: CallCenterConfiguration
    public var commands: CommandPolicy
    /// Reported in `{p}/bridge/state`.
    public var version: String
    /// Reported in `{p}/bridge/ami` (never with credentials).
    public var amiHost: String
    /// How long to wait before retrying an initial sync whose lists failed, in seconds.
    public var syncRetrySeconds: Double
    /// At most this many publications may wait in the MQTT client when retained state goes
    /// out; past it, state waits in the bridge coalesced to the newest value per topic. A
    /// value queued in libmosquitto can no longer be superseded: a small window means a flood
    /// reaches subscribers as its newest values, not as every stale one in between. It must
    /// stay well above the broker's in-flight allowance (mosquitto: 20) to keep the connection
    /// busy between two refills (each a hop onto the event loop). At QoS 0 it bounds what the
    /// network thread has not written yet, so a busy machine coalesces instead of queuing.
    /// 250 measured best in `pbx2mqtt-bench` (`--state-window`): a stock-broker state flood
    /// reached its final values 1.1–2× sooner at QoS 0 than with 1000, QoS 1 and the initial
    /// sync alike. Capped by the client's own `maxQueuedMessages`.
    public var stateWindow: Int
    /// `homeassistant.discoveryPrefix` when `homeassistant.enabled`; nil: no discovery.
    /// Validated by the loader (``HomeAssistantDiscovery/init(discoveryPrefix:layout:version:)``).
    public var homeAssistantPrefix: String?
    /// This instance's id in an active/standby pair (published in `bridge/state` and its Last
    /// Will); nil: a single bridge, always active.
    public var failoverInstance: String?

    /// Home Assistant discovery for this layout and version, when enabled.
    public var homeAssistant: HomeAssistantDiscovery? {
        self.homeAssistantPrefix.flatMap {
            try? HomeAssistantDiscovery(discoveryPrefix: $0, layout: self.layout, version: self.version)
        }
    }
    /// The queues whose agents wrap up after a call (paused with reason `wrapup`).
    public var wrapUp: [WrapUpRule]

    public init(
        layout: TopicLayout,
        stateQoS: MQTTQoS = .atLeastOnce,
        eventQoS: MQTTQoS = .atLeastOnce,
        replyQoS: MQTTQoS = .atLeastOnce,
        callCenter: CallCenterConfiguration = CallCenterConfiguration(),
        commands: CommandPolicy = CommandPolicy(),
        version: String = PBXBridge.version,
        amiHost: String,
        syncRetrySeconds: Double = 5,
        stateWindow: Int = 250,
        homeAssistantPrefix: String? = nil,
        wrapUp: [WrapUpRule] = [],
        failoverInstance: String? = nil
    ) {
        self.layout = layout
        self.stateQoS = stateQoS
        self.eventQoS = eventQoS
        self.replyQoS = replyQoS
        self.callCenter = callCenter
        self.commands = commands
        self.version = version
        self.amiHost = amiHost
        self.syncRetrySeconds = syncRetrySeconds
        self.stateWindow = stateWindow
        self.homeAssistantPrefix = homeAssistantPrefix
        self.wrapUp = wrapUp
        self.failoverInstance = failoverInstance
    }
}
