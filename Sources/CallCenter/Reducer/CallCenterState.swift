import AMI

/// The exact model of agents, queues and live channels, and the published view derived
/// from it.
///
/// A pure value: `apply(_:at:)` folds one AMI packet in and returns what the bridge must
/// publish. It does no I/O and reads no clock, so replays are deterministic and the bridge
/// can keep it on its one serial executor without locks.
public struct CallCenterState: Sendable, Equatable {
    public let configuration: CallCenterConfiguration
    let identity: AgentIdentity

    var agents: [String: AgentRecord] = [:]
    var queues: [String: QueueRecord] = [:]
    /// Live channels by Uniqueid.
    var channels: [String: ChannelRecord] = [:]
    /// Channel Uniqueids per bridge.
    var bridges: [String: Set<String>] = [:]
    /// Channel Uniqueids per agent (also for agents not otherwise known).
    var agentChannels: [String: Set<String>] = [:]
    /// Hinted extensions by `Exten`, for presence.
    var extensions: [String: ExtensionRecord] = [:]
    /// AstDB do-not-disturb and call forward by extension.
    var features: [String: ExtensionFeatures] = [:]
    /// Parked calls by lot and space.
    var parkings: [ParkingSpot: ParkingRecord] = [:]
    /// Live queue calls by Linkedid.
    var calls: [String: CallRecord] = [:]
    /// The calls each agent rings for or talks in, by agent.
    var agentCalls: [String: Set<String>] = [:]

    /// Every retained topic's current value: what subscribers see.
    public private(set) var view: [StateKey: StateValue] = [:]
    /// What the reducer skipped, for the bridge to log.
    public internal(set) var diagnostics = CallCenterDiagnostics()

    /// Keys touched by the event being applied, in first-touch order.
    var touched: [StateKey] = []
    var touchedSet: Set<StateKey> = []
    /// While a snapshot is being built the view is rebuilt once at the end, not per item.
    var buildingSnapshot = false

    /// An empty model (nothing known yet).
    public init(configuration: CallCenterConfiguration = CallCenterConfiguration()) {
        self.configuration = configuration
        self.identity = AgentIdentity(configuration: configuration)
    }

    public static func == (lhs: CallCenterState, rhs: CallCenterState) -> Bool {
        lhs.configuration == rhs.configuration && lhs.agents == rhs.agents && lhs.queues == rhs.queues
            && lhs.channels == rhs.channels && lhs.bridges == rhs.bridges && lhs.agentChannels == rhs.agentChannels
            && lhs.extensions == rhs.extensions && lhs.features == rhs.features
            && lhs.parkings == rhs.parkings && lhs.calls == rhs.calls && lhs.agentCalls == rhs.agentCalls
            && lhs.view == rhs.view
            && lhs.diagnostics == rhs.diagnostics
    }

    // MARK: Change tracking

    mutating func touch(_ key: StateKey) {
        if self.buildingSnapshot { return }
        if self.touchedSet.insert(key).inserted {
            self.touched.append(key)
        }
    }

    mutating func touchAgent(_ agent: String) {
        self.touch(.agentExtensionStatus(agent: agent))
        self.touch(.agentName(agent: agent))
        self.touch(.agentPhoneNumber(agent: agent))
    }

    mutating func touchQueue(_ queue: String) {
        self.touch(.queueCount(queue: queue))
        self.touch(.queueStats(queue: queue))
    }

    /// Recomputes every touched key and appends a change for each value that differs from
    /// the published one. A member that vanishes is published as `loggedoff`, then cleared.
    mutating func flush(at time: CallCenterTime, into changes: inout [CallCenterChange]) {
        for key in self.touched {
            let new = self.value(for: key)
            let old = self.view[key]
            if new == old { continue }
            if let new {
                self.view[key] = new
                changes.append(.set(key, new))
            } else if let old {
                self.view[key] = nil
                if case .queueMemberStatus(var last) = old {
                    last.status = .loggedoff
                    last.since = time
                    changes.append(.set(key, .queueMemberStatus(last)))
                }
                changes.append(.clear(key))
            }
        }
        self.touched.removeAll(keepingCapacity: true)
        self.touchedSet.removeAll(keepingCapacity: true)
    }

    /// Recomputes the whole view from the model (after a snapshot is built).
    mutating func rebuildView() {
        var view: [StateKey: StateValue] = [:]
        var keys: [StateKey] = []
        for (agent, record) in self.agents {
            keys.append(.agentExtensionStatus(agent: agent))
            keys.append(.agentName(agent: agent))
            keys.append(.agentPhoneNumber(agent: agent))
            for queue in record.memberships.keys {
                keys.append(.agentQueueMemberStatus(agent: agent, queue: queue))
            }
        }
        for queue in self.queues.keys {
            keys.append(.queueCount(queue: queue))
            keys.append(.queueStats(queue: queue))
        }
        for exten in self.extensions.keys {
            keys.append(.extensionPresence(extension: exten))
            keys.append(.extensionConversations(extension: exten))
        }
        for agent in self.agentCalls.keys {
            keys.append(.agentCall(agent: agent))
        }
        for spot in self.parkings.keys {
            keys.append(.parking(lot: spot.lot, space: spot.space))
        }
        for key in keys {
            if let value = self.value(for: key) { view[key] = value }
        }
        self.view = view
        self.touched.removeAll()
        self.touchedSet.removeAll()
    }

    mutating func noteMalformed(_ event: String, _ field: String) {
        self.diagnostics.malformedEvents += 1
        self.diagnostics.lastMalformed = "\(event).\(field)"
    }

    mutating func noteUnknownCode(_ event: String, _ field: String, _ value: String) {
        if self.diagnostics.unknownCodes.count < 1000 {
            self.diagnostics.unknownCodes.insert("\(event).\(field)=\(Self.sample(value))")
        }
    }

    /// Counts a numeric field that ``AMINumber`` refused; the caller keeps what it knew.
    mutating func noteRejectedNumber(_ event: String, _ field: String, _ value: String) {
        self.diagnostics.rejectedNumbers = Saturating.add(self.diagnostics.rejectedNumbers, 1, in: 0...Int.max)
        let key = "\(event).\(field)"
        if self.diagnostics.rejectedNumberFields[key] == nil {
            self.diagnostics.rejectedNumberFields[key] = Self.sample(value)
        }
    }

    /// A peer's value cut to what a diagnostic keeps.
    static func sample(_ value: String) -> String {
        guard value.utf8.count > CallCenterDiagnostics.sampleLength else { return value }
        return String(value.prefix(CallCenterDiagnostics.sampleLength)) + "…"
    }
}
