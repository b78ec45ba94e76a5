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
        var state = CallCenterState(configuration: configuration)
        state.buildingSnapshot = true
        for item in items {
            _ = state.apply(item, at: time)
        }
        state.buildingSnapshot = false
        if let previous {
            state.carryOverTimes(from: previous)
        }
        state.rebuildView()
        return state
    }

    mutating func carryOverTimes(from previous: CallCenterState) {
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
