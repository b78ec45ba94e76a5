/// Who an agent talks to, for the call-control commands (hangup, redirect, park by agent).
extension CallCenterState {
    /// One call of an agent: the agent's own channel in a bridge and the other party in it.
    public struct AgentCall: Sendable, Hashable {
        /// The agent's channel that is bridged with the other party.
        public var channel: String
        /// The other party's channel, nil while the agent's channel is not bridged.
        public var peerChannel: String?

        public init(channel: String, peerChannel: String?) {
            self.channel = channel
            self.peerChannel = peerChannel
        }
    }

    /// The agent's calls, sorted by channel name so the order does not depend on hashing.
    ///
    /// A bridged channel of the agent gives one call per other party in its bridge. When none
    /// is bridged (ringing, dialling), each own channel is a call without a peer, except the
    /// `;2` half of a Local channel, which is the same call seen from the other side.
    public func calls(ofAgent agent: String) -> [AgentCall] {
        guard let own = self.agentChannels[agent] else { return [] }
        var calls: [AgentCall] = []
        for id in own {
            guard let channel = self.channels[id], let bridge = channel.bridge, let members = self.bridges[bridge]
            else { continue }
            for other in members where !own.contains(other) {
                guard let peer = self.channels[other] else { continue }
                calls.append(AgentCall(channel: channel.name, peerChannel: peer.name))
            }
        }
        if calls.isEmpty {
            for id in own {
                guard let channel = self.channels[id], !channel.name.hasSuffix(";2") else { continue }
                calls.append(AgentCall(channel: channel.name, peerChannel: nil))
            }
        }
        return calls.sorted { ($0.channel, $0.peerChannel ?? "") < ($1.channel, $1.peerChannel ?? "") }
    }

    /// The agent's own channel of each call (what `hangup` by agent hangs up).
    public func channels(ofAgent agent: String) -> [String] {
        var seen: Set<String> = []
        return self.calls(ofAgent: agent).map(\.channel).filter { seen.insert($0).inserted }
    }

    /// The other party of each bridged call (what `redirect` and `park` by agent move).
    public func peerChannels(ofAgent agent: String) -> [String] {
        self.calls(ofAgent: agent).compactMap(\.peerChannel)
    }
}
