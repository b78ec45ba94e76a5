import AMI

/// Building a model from the initial-state action lists (on start and after every AMI
/// reconnect).
extension CallCenterState {
    /// A model built from the items of the state lists: QueueStatus (`QueueParams`,
    /// `QueueMember`, `QueueEntry`), QueueSummary, ExtensionStateList (`ExtensionStatus`)
    /// CoreShowChannels (`CoreShowChannel`) and DBGetTree (`DBGetTreeResponse`, one list per
    /// family of ``astDBFamilies``) and ParkedCalls (`ParkedCall`); other packets are ignored.
    ///
    /// `time` is when the lists were received. With `previous` (the model before the
    /// reconnect), statuses that did not change keep their `since`, waiting callers keep
    /// their join time, so a resync publishes only real differences:
    /// `previous.diff(to: snapshot, at: time)`.
    public static func snapshot(
        configuration: CallCenterConfiguration,
        items: [AMIMessage],
        at time: CallCenterTime,
        previous: CallCenterState? = nil
    ) -> CallCenterState {
        var builder = SnapshotBuilder(configuration: configuration)
        builder.add(items, at: time)
        return builder.finish(previous: previous)
    }

    /// A snapshot built one state list at a time, so that each list's items can be dropped
    /// as soon as they are folded in: at 5,000 agents the lists are 5 MB of parsed packets,
    /// more than the model they describe, and a sync is the daemon's peak memory.
    public struct SnapshotBuilder: Sendable {
        private var state: CallCenterState
        /// How many items were folded in.
        public private(set) var itemCount = 0

        public init(configuration: CallCenterConfiguration) {
            self.state = CallCenterState(configuration: configuration)
            self.state.buildingSnapshot = true
        }

        /// Folds in the next list's items, received at `time` (lists in the order
        /// ``snapshot(configuration:items:at:previous:)`` would take them).
        public mutating func add(_ items: [AMIMessage], at time: CallCenterTime) {
            for item in items {
                _ = self.state.apply(item, at: time)
            }
            self.itemCount += items.count
        }

        /// The model, with the `since` times and waiting callers' join times of `previous`
        /// kept where nothing changed, and its view built. The builder is left empty: the
        /// model is moved out, never copied.
        public mutating func finish(previous: CallCenterState? = nil) -> CallCenterState {
            self.state.buildingSnapshot = false
            if let previous {
                self.state.carryOverTimes(from: previous)
            }
            self.state.rebuildView()
            var model = CallCenterState(configuration: self.state.configuration)
            swap(&model, &self.state)
            self.itemCount = 0
            return model
        }
    }

    mutating func carryOverTimes(from previous: CallCenterState) {
        // The state lists say nothing of queue calls: a call goes on across a resync while
        // Asterisk still lists its caller's channel (CoreShowChannels), and is forgotten
        // (its topics cleared) otherwise.
        for (id, record) in previous.calls where self.channels[record.uniqueID] != nil {
            self.calls[id] = record
            for agent in record.ringing.keys { self.agentCalls[agent, default: []].insert(id) }
            if let agent = record.agent { self.agentCalls[agent, default: []].insert(id) }
        }
        for (agent, var record) in self.agents {
            guard let old = previous.agents[agent] else { continue }
            if record.extensionStatus != nil, old.extensionStatus == record.extensionStatus {
                record.extensionSince = old.extensionSince
            }
            for (queue, var member) in record.memberships {
                if let oldMember = old.memberships[queue], oldMember.publishedStatus == member.publishedStatus {
                    member.since = oldMember.since
                    record.memberships[queue] = member
                }
            }
            self.agents[agent] = record
        }
        for (exten, var record) in self.extensions {
            if let old = previous.extensions[exten], old.publishedStatus == record.publishedStatus {
                record.since = old.since
                self.extensions[exten] = record
            }
        }
        for (spot, var record) in self.parkings {
            if let old = previous.parkings[spot], old.uniqueId == record.uniqueId {
                record.since = old.since
                record.timeoutAt = old.timeoutAt
                self.parkings[spot] = record
            }
        }
        for (queue, var record) in self.queues {
            guard let old = previous.queues[queue] else { continue }
            var sameCallers = record.callers.count == old.callers.count
            for (uniqueId, _) in record.callers {
                if let joined = old.callers[uniqueId] {
                    record.callers[uniqueId] = joined
                } else {
                    sameCallers = false
                }
            }
            if sameCallers {
                record.waitingSince = old.waitingSince
            }
            self.queues[queue] = record
        }
    }
}
