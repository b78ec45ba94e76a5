import AMI

/// The call-center state: queues, members, device and extension states.
extension SimulatorCore {
    func buildCallCenter() {
        let config = self.configuration.callCenter
        self.hints = config.hints
        for hint in config.hints {
            self.recordDevice("Custom:\(hint)", .notInUse)
        }
        for queueConfig in config.queues {
            let queue = SimQueue(configuration: queueConfig)
            for member in queueConfig.staticMembers {
                queue.members.append(self.makeMember(member, dynamic: false))
                self.recordDevice(member.stateInterface, self.deviceStates[member.stateInterface] ?? .notInUse)
                self.recordDevice("Queue:\(queue.name)_pause_\(member.interface)", .notInUse)
            }
            self.queues.append(queue)
            self.recordDevice("Queue:\(queue.name)_avail", self.isAnyMemberAvailable(queue) ? .notInUse : .inUse)
        }
        for dynamic in config.dynamicMembers {
            guard let queue = self.queue(named: dynamic.queue), queue.member(interface: dynamic.member.interface) == nil
            else {
                continue
            }
            queue.members.append(self.makeMember(dynamic.member, dynamic: true))
            self.recordDevice(
                dynamic.member.stateInterface, self.deviceStates[dynamic.member.stateInterface] ?? .notInUse)
            self.recordDevice("Queue:\(queue.name)_pause_\(dynamic.member.interface)", .notInUse)
            self.recordDevice("Queue:\(queue.name)_avail", self.isAnyMemberAvailable(queue) ? .notInUse : .inUse)
        }
    }

    func makeMember(_ config: MemberConfiguration, dynamic: Bool) -> SimMember {
        SimMember(
            name: config.name,
            interface: config.interface,
            stateInterface: config.stateInterface,
            isDynamic: dynamic,
            penalty: config.penalty,
            loginTime: self.epochNow
        )
    }

    func queue(named name: String) -> SimQueue? {
        self.queues.first { $0.name == name }
    }

    /// Stores a device state without events (boot).
    func recordDevice(_ device: String, _ state: DeviceState) {
        if self.deviceStates.updateValue(state, forKey: device) == nil {
            self.deviceOrder.append(device)
        }
    }

    func memberStatus(_ member: SimMember) -> DeviceState {
        self.deviceStates[member.stateInterface] ?? .notInUse
    }

    func isAvailable(_ member: SimMember) -> Bool {
        let status = self.memberStatus(member)
        guard !member.paused, status == .notInUse || status == .unknown else { return false }
        // The same agent may be a member of several queues: one call at a time.
        for queue in self.queues {
            for other in queue.members where other.interface == member.interface && (other.ringing || other.inCall) {
                return false
            }
        }
        return true
    }

    func isAnyMemberAvailable(_ queue: SimQueue) -> Bool {
        queue.members.contains {
            !$0.paused && (self.memberStatus($0) == .notInUse || self.memberStatus($0) == .unknown)
        }
    }

    /// Emits DeviceStateChange when `device` changes state.
    func changeDevice(_ device: String, _ state: DeviceState) {
        let old = self.deviceStates[device]
        self.recordDevice(device, state)
        if old != state {
            self.broadcast(AMIEventFactory.deviceStateChange(device, state))
        }
    }

    /// A device (usually `Custom:{n}`) changes state, as `Set(DEVICE_STATE(...))` does:
    /// ExtensionStatus for its hint, DeviceStateChange, QueueMemberStatus for every member
    /// watching it, then the queues' availability devices.
    func setDeviceState(_ device: String, _ state: DeviceState) {
        let old = self.deviceStates[device]
        guard old != state else { return }
        if let hint = self.hints.first(where: { "Custom:\($0)" == device }) {
            let oldExt = (old ?? .notInUse).extensionState.code
            if oldExt != state.extensionState.code || old == nil {
                self.broadcast(AMIEventFactory.extensionStatus(exten: hint, hint: device, state: state))
            }
        }
        self.recordDevice(device, state)
        self.broadcast(AMIEventFactory.deviceStateChange(device, state))
        for queue in self.queues {
            for member in queue.members where member.stateInterface == device {
                self.broadcast(
                    AMIEventFactory.queueMember("QueueMemberStatus", queue: queue.name, member: member, status: state))
            }
            self.updateAvailability(queue)
        }
        // A member becoming free may take a waiting caller.
        for queue in self.queues where !queue.callers.isEmpty {
            self.scheduleDistribute(queue)
        }
    }

    func updateAvailability(_ queue: SimQueue) {
        self.changeDevice("Queue:\(queue.name)_avail", self.isAnyMemberAvailable(queue) ? .notInUse : .inUse)
    }

    func emitMember(_ name: String, _ queue: SimQueue, _ member: SimMember) {
        self.broadcast(
            AMIEventFactory.queueMember(name, queue: queue.name, member: member, status: self.memberStatus(member)))
    }

    // MARK: Member changes (QueueAdd/Remove/Pause/Penalty)

    enum MemberChangeError: Error {
        case noSuchQueue, alreadyThere, notThere, notDynamic
    }

    func addMember(queue name: String, _ config: MemberConfiguration, paused: Bool, reason: String)
        throws(MemberChangeError)
    {
        guard let queue = self.queue(named: name) else { throw .noSuchQueue }
        guard queue.member(interface: config.interface) == nil else { throw .alreadyThere }
        let member = self.makeMember(config, dynamic: true)
        member.paused = paused
        member.pausedReason = paused ? reason : ""
        if paused { member.lastPause = self.epochNow }
        queue.members.append(member)
        if self.deviceStates[config.stateInterface] == nil {
            self.recordDevice(config.stateInterface, .notInUse)
        }
        self.broadcast(
            AMIEventFactory.deviceStateChange(
                "Queue:\(queue.name)_pause_\(member.interface)", paused ? .inUse : .notInUse))
        self.recordDevice("Queue:\(queue.name)_pause_\(member.interface)", paused ? .inUse : .notInUse)
        self.emitMember("QueueMemberAdded", queue, member)
        self.updateAvailability(queue)
        self.scheduleDistribute(queue)
    }

    func removeMember(queue name: String, interface: String) throws(MemberChangeError) {
        guard let queue = self.queue(named: name) else { throw .noSuchQueue }
        guard let member = queue.member(interface: interface) else { throw .notThere }
        guard member.isDynamic else { throw .notDynamic }
        queue.members.removeAll { $0 === member }
        self.emitMember("QueueMemberRemoved", queue, member)
        self.changeDevice("Queue:\(queue.name)_pause_\(member.interface)", .notInUse)
        self.updateAvailability(queue)
    }

    /// Pauses in one queue, or in every queue the interface is a member of (queue nil).
    /// Returns false when the interface is nowhere to be found.
    func pauseMember(queue name: String?, interface: String, paused: Bool, reason: String) -> Bool {
        var found = false
        for queue in self.queues where name == nil || queue.name == name {
            guard let member = queue.member(interface: interface) else { continue }
            found = true
            member.paused = paused
            member.pausedReason = reason
            member.lastPause = self.epochNow
            self.changeDevice("Queue:\(queue.name)_pause_\(member.interface)", paused ? .inUse : .notInUse)
            self.updateAvailability(queue)
            self.emitMember("QueueMemberPause", queue, member)
            if !paused { self.scheduleDistribute(queue) }
        }
        return found
    }

    func setPenalty(queue name: String?, interface: String, penalty: Int) -> Bool {
        guard penalty >= 0 else { return false }
        var found = false
        for queue in self.queues where name == nil || name == "" || queue.name == name {
            guard let member = queue.member(interface: interface) else { continue }
            found = true
            member.penalty = penalty
            self.emitMember("QueueMemberPenalty", queue, member)
        }
        return found
    }

    func setRingInUse(queue name: String?, interface: String, value: Bool) -> Bool {
        var found = false
        for queue in self.queues where name == nil || name == "" || queue.name == name {
            guard let member = queue.member(interface: interface) else { continue }
            found = true
            member.ringInUse = value
            self.emitMember("QueueMemberRinginuse", queue, member)
        }
        return found
    }

    func resetStats(queue name: String?) -> Bool {
        var found = false
        for queue in self.queues where name == nil || name == "" || queue.name == name {
            found = true
            queue.completed = 0
            queue.abandoned = 0
            queue.completedInServiceLevel = 0
            queue.abandonedInServiceLevel = 0
            queue.holdTime = 0
            queue.talkTime = 0
            for member in queue.members {
                member.callsTaken = 0
                member.lastCall = 0
            }
        }
        return found
    }
}
