import AMI

/// The list actions: a `Response` with `EventList: start`, items, then `…Complete`.
/// Items are written to the asking session only and are never filtered.
extension SimulatorCore {
    func queueStatus(_ request: ActionRequest) {
        let queueName = request.nonEmpty("Queue")
        let memberFilter = request.nonEmpty("Member")
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Queue status will follow", actionID: id))
        var items = 0
        for queue in self.queues where queueName == nil || queue.name == queueName {
            request.respond(
                AMIEventFactory.listItem(
                    "QueueParams", actionID: id, actionIDFirst: false,
                    [
                        AMIField("Queue", queue.name), AMIField("Max", String(queue.configuration.maxCallers)),
                        AMIField("Strategy", queue.configuration.strategy),
                        AMIField("Calls", String(queue.callers.count)),
                        AMIField("Holdtime", String(queue.holdTime)), AMIField("TalkTime", String(queue.talkTime)),
                        AMIField("Completed", String(queue.completed)), AMIField("Abandoned", String(queue.abandoned)),
                        AMIField("ServiceLevel", String(queue.configuration.serviceLevel)),
                        AMIField("ServicelevelPerf", queue.serviceLevelPerformance),
                        AMIField("ServicelevelPerf2", queue.serviceLevelPerformance2),
                        AMIField("Weight", String(queue.configuration.weight)),
                    ]))
            items += 1
            for member in queue.members
            where memberFilter == nil || member.interface == memberFilter || member.name == memberFilter {
                request.respond(
                    AMIEventFactory.listItem(
                        "QueueMember", actionID: id, actionIDFirst: false,
                        [
                            AMIField("Queue", queue.name), AMIField("Name", member.name),
                            AMIField("Location", member.interface),
                            AMIField("StateInterface", member.stateInterface),
                            AMIField("Membership", member.membership),
                            AMIField("Penalty", String(member.penalty)),
                            AMIField("CallsTaken", String(member.callsTaken)),
                            AMIField("LastCall", String(member.lastCall)),
                            AMIField("LastPause", String(member.lastPause)),
                            AMIField("LoginTime", String(member.loginTime)),
                            AMIField("InCall", member.inCall ? "1" : "0"),
                            AMIField("Status", String(self.memberStatus(member).rawValue)),
                            AMIField("Paused", member.paused ? "1" : "0"),
                            AMIField("PausedReason", member.pausedReason),
                            AMIField("Wrapuptime", "0"),
                        ]))
                items += 1
            }
            for (index, caller) in queue.callers.enumerated() {
                let channel = caller.channel
                request.respond(
                    AMIEventFactory.listItem(
                        "QueueEntry", actionID: id, actionIDFirst: false,
                        [
                            AMIField("Queue", queue.name), AMIField("Position", String(index + 1)),
                            AMIField("Channel", channel.name), AMIField("Uniqueid", channel.uniqueID),
                            AMIField("CallerIDNum", channel.callerIDNum),
                            AMIField("CallerIDName", channel.callerIDName),
                            AMIField("ConnectedLineNum", channel.connectedLineNum),
                            AMIField("ConnectedLineName", channel.connectedLineName),
                            AMIField("Wait", String(Int(self.now - caller.joinedAt))), AMIField("Priority", "0"),
                        ]))
                items += 1
            }
        }
        request.respond(AMIEventFactory.listComplete("QueueStatusComplete", actionID: id, items: items))
    }

    func queueSummary(_ request: ActionRequest) {
        let queueName = request.nonEmpty("Queue")
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Queue summary will follow", actionID: id))
        var items = 0
        for queue in self.queues where queueName == nil || queue.name == queueName {
            let loggedIn = queue.members.filter {
                let status = self.memberStatus($0)
                return status != .invalid && status != .unavailable
            }.count
            let available = queue.members.filter {
                let status = self.memberStatus($0)
                return !$0.paused && (status == .notInUse || status == .unknown)
            }.count
            let longest = queue.callers.map { Int(self.now - $0.joinedAt) }.max() ?? 0
            request.respond(
                AMIEventFactory.listItem(
                    "QueueSummary", actionID: id, actionIDFirst: false,
                    [
                        AMIField("Queue", queue.name), AMIField("LoggedIn", String(loggedIn)),
                        AMIField("Available", String(available)), AMIField("Callers", String(queue.callers.count)),
                        AMIField("HoldTime", String(queue.holdTime)), AMIField("TalkTime", String(queue.talkTime)),
                        AMIField("LongestHoldTime", String(longest)),
                    ]))
            items += 1
        }
        request.respond(AMIEventFactory.listComplete("QueueSummaryComplete", actionID: id, items: items))
    }

    func extensionStateList(_ request: ActionRequest) {
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Extension Statuses will follow", actionID: id))
        for hint in self.hints {
            let state = (self.deviceStates["Custom:\(hint)"] ?? .notInUse).extensionState
            request.respond(
                AMIEventFactory.listItem(
                    "ExtensionStatus", actionID: id, actionIDFirst: true,
                    [
                        AMIField("Exten", hint), AMIField("Context", "agents"), AMIField("Hint", "Custom:\(hint)"),
                        AMIField("Status", String(state.code)), AMIField("StatusText", state.text),
                    ]))
        }
        request.respond(
            AMIEventFactory.listComplete("ExtensionStateListComplete", actionID: id, items: self.hints.count))
    }

    func deviceStateList(_ request: ActionRequest) {
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Device State Changes will follow", actionID: id))
        var items = 0
        for device in self.deviceOrder.reversed() {
            guard let state = self.deviceStates[device] else { continue }
            request.respond(
                AMIEventFactory.listItem(
                    "DeviceStateChange", actionID: id, actionIDFirst: true,
                    [
                        AMIField("Device", device), AMIField("State", state.text),
                    ]))
            items += 1
        }
        request.respond(AMIEventFactory.listComplete("DeviceStateListComplete", actionID: id, items: items))
    }

    var liveChannels: [SimChannel] {
        self.channelOrder.compactMap { self.channels[$0] }
    }

    func coreShowChannels(_ request: ActionRequest) {
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Channels will follow", actionID: id))
        let list = self.liveChannels
        for channel in list {
            request.respond(
                AMIEventFactory.listItem(
                    "CoreShowChannel", actionID: id, actionIDFirst: true,
                    AMIEventFactory.snapshot(channel) + [
                        AMIField("Application", channel.application),
                        AMIField("ApplicationData", channel.applicationData),
                        AMIField("Duration", self.duration(since: channel.createdAt)),
                        AMIField("BridgeId", channel.bridgeID),
                    ]))
        }
        request.respond(AMIEventFactory.listComplete("CoreShowChannelsComplete", actionID: id, items: list.count))
    }

    func status(_ request: ActionRequest) {
        let id = request.actionID
        var list = self.liveChannels
        if let name = request.nonEmpty("Channel") {
            guard let channel = self.channels[name] else {
                request.respond(AMIEventFactory.error("No such channel", actionID: id))
                return
            }
            list = [channel]
        }
        request.respond(AMIEventFactory.listStart("Channel status will follow", actionID: id))
        for channel in list {
            var fields = [AMIField("Event", "Status"), AMIField("Privilege", "Call")]
            fields += AMIEventFactory.snapshot(channel)
            fields += [
                AMIField("Type", "Local"), AMIField("DNID", ""),
                AMIField("EffectiveConnectedLineNum", channel.connectedLineNum),
                AMIField("EffectiveConnectedLineName", channel.connectedLineName),
                AMIField("TimeToHangup", "0"), AMIField("BridgeID", channel.bridgeID),
                AMIField("Application", channel.application), AMIField("Data", channel.applicationData),
                AMIField("Nativeformats", "(slin)"), AMIField("Readformat", "slin"), AMIField("Readtrans", ""),
                AMIField("Writeformat", "slin"), AMIField("Writetrans", ""), AMIField("Callgroup", "0"),
                AMIField("Pickupgroup", "0"), AMIField("Seconds", String(Int(self.now - channel.createdAt))),
            ]
            if let id { fields.append(AMIField("ActionID", id)) }
            request.respond(AMIMessage(fields: fields))
        }
        request.respond(
            AMIEventFactory.listComplete(
                "StatusComplete", actionID: id, items: list.count,
                extra: [
                    AMIField("Items", String(list.count))
                ]))
    }

    func duration(since start: Double) -> String {
        let total = max(0, Int(self.now - start))
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(pad(total / 3600)):\(pad(total / 60 % 60)):\(pad(total % 60))"
    }
}
