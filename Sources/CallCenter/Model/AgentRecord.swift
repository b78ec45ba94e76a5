/// An agent known from its extension state or its queue memberships.
struct AgentRecord: Sendable, Hashable {
    var extensionStatus: AgentStatus?
    var extensionSince: CallCenterTime
    var memberships = Memberships()

    /// An agent with neither extension state nor membership is forgotten.
    var isEmpty: Bool { self.extensionStatus == nil && self.memberships.isEmpty }

    /// The published name: the member name in the first queue (by name) that has one, so
    /// the choice does not depend on event order.
    var name: String? {
        var best: (queue: String, name: String)?
        for (queue, membership) in self.memberships where !membership.name.isEmpty {
            if let current = best, current.queue <= queue { continue }
            best = (queue, membership.name)
        }
        return best?.name
    }
}
