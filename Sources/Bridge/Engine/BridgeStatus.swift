import CallCenter

/// What the bridge is connected to and how much it models: what a supervisor shows as its
/// status line (systemd's `STATUS=`) and the moment it may call the bridge ready.
public struct BridgeStatus: Sendable, Hashable {
    public var amiConnected: Bool
    public var mqttConnected: Bool
    /// A full AMI state sync has completed since start (it stays true across reconnects: the
    /// model is complete from then on, a reconnect's sync only refreshes it).
    public var hasSynced: Bool
    /// A state sync is under way.
    public var syncing: Bool
    public var agents: Int
    public var queues: Int

    public init(
        amiConnected: Bool, mqttConnected: Bool, hasSynced: Bool, syncing: Bool, agents: Int, queues: Int
    ) {
        self.amiConnected = amiConnected
        self.mqttConnected = mqttConnected
        self.hasSynced = hasSynced
        self.syncing = syncing
        self.agents = agents
        self.queues = queues
    }

    /// The model is complete and reaches the broker: subscribers see the whole state.
    /// First true after the first sync with MQTT up (systemd's `READY=1`).
    public var isReady: Bool {
        self.hasSynced && self.mqttConnected
    }

    /// One line, e.g. `AMI connected, MQTT connected, 12 agents / 3 queues`.
    public var summary: String {
        let ami = "AMI \(self.amiConnected ? "connected" : "disconnected")"
        let mqtt = "MQTT \(self.mqttConnected ? "connected" : "disconnected")"
        let model =
            self.syncing && !self.hasSynced
            ? "syncing" : "\(self.agents) agents / \(self.queues) queues\(self.syncing ? ", resyncing" : "")"
        return "\(ami), \(mqtt), \(model)"
    }
}

extension BridgeStateMachine {
    /// The status the shell reports to its observers.
    var status: BridgeStatus {
        BridgeStatus(
            amiConnected: self.ami.isConnected, mqttConnected: self.mqttUp, hasSynced: self.hasSynced,
            syncing: self.sync != nil, agents: self.model.agentCount, queues: self.model.queueCount)
    }
}
