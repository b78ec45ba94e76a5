import AMI

/// QueueAdd/Remove/Pause/Penalty/MemberRingInUse/Reset and Setvar/Getvar, with app_queue's
/// and manager.c's messages.
extension SimulatorCore {
    func queueAdd(_ request: ActionRequest) {
        guard let queue = request.required("Queue", or: "'Queue' not specified.") else { return }
        guard let interface = request.required("Interface", or: "'Interface' not specified.") else { return }
        let member = MemberConfiguration(
            name: request.nonEmpty("MemberName") ?? interface,
            interface: interface,
            stateInterface: request.nonEmpty("StateInterface") ?? interface,
            penalty: Int(request["Penalty"] ?? "0") ?? 0
        )
        let paused = Self.isTrue(request["Paused"])
        guard let target = self.queue(named: queue) else {
            request.respond(
                AMIEventFactory.error("Unable to add interface to queue: No such queue", actionID: request.actionID))
            return
        }
        guard target.member(interface: interface) == nil else {
            request.respond(AMIEventFactory.error("Unable to add interface: Already there", actionID: request.actionID))
            return
        }
        // Asterisk answers before the member events go out.
        request.respond(AMIEventFactory.success("Added interface to queue", actionID: request.actionID))
        try? self.addMember(queue: queue, member, paused: paused, reason: request["Reason"] ?? "")
    }

    func queueRemove(_ request: ActionRequest) {
        guard let queue = request.nonEmpty("Queue"), let interface = request.nonEmpty("Interface") else {
            request.respond(
                AMIEventFactory.error("Need 'Queue' and 'Interface' parameters.", actionID: request.actionID))
            return
        }
        guard let target = self.queue(named: queue) else {
            request.respond(
                AMIEventFactory.error(
                    "Unable to remove interface from queue: No such queue", actionID: request.actionID))
            return
        }
        guard let member = target.member(interface: interface) else {
            request.respond(AMIEventFactory.error("Unable to remove interface: Not there", actionID: request.actionID))
            return
        }
        guard member.isDynamic else {
            request.respond(AMIEventFactory.error("Member not dynamic", actionID: request.actionID))
            return
        }
        // Asterisk answers before the member events go out.
        request.respond(AMIEventFactory.success("Removed interface from queue", actionID: request.actionID))
        try? self.removeMember(queue: queue, interface: interface)
    }

    func queuePause(_ request: ActionRequest) {
        guard let interface = request.nonEmpty("Interface"), let pausedText = request.nonEmpty("Paused") else {
            request.respond(
                AMIEventFactory.error("Need 'Interface' and 'Paused' parameters.", actionID: request.actionID))
            return
        }
        let paused = !Self.isFalse(pausedText)
        let queue = request.nonEmpty("Queue")
        let exists = self.queues.contains {
            (queue == nil || $0.name == queue) && $0.member(interface: interface) != nil
        }
        guard exists else {
            request.respond(AMIEventFactory.error("Interface not found", actionID: request.actionID))
            return
        }
        request.respond(
            AMIEventFactory.success(
                paused ? "Interface paused successfully" : "Interface unpaused successfully",
                actionID: request.actionID
            ))
        _ = self.pauseMember(queue: queue, interface: interface, paused: paused, reason: request["Reason"] ?? "")
    }

    func queuePenalty(_ request: ActionRequest) {
        guard let interface = request.required("Interface", or: "'Interface' not specified.") else { return }
        guard let penalty = Int(request["Penalty"] ?? ""),
            self.queues.contains(where: {
                (request.nonEmpty("Queue") == nil || $0.name == request.nonEmpty("Queue"))
                    && $0.member(interface: interface) != nil
            })
        else {
            request.respond(
                AMIEventFactory.error("Invalid interface, queuename or penalty", actionID: request.actionID))
            return
        }
        request.respond(AMIEventFactory.success("Interface penalty set successfully", actionID: request.actionID))
        _ = self.setPenalty(queue: request.nonEmpty("Queue"), interface: interface, penalty: penalty)
    }

    func queueRingInUse(_ request: ActionRequest) {
        guard let interface = request.nonEmpty("Interface"), let value = request.nonEmpty("RingInUse") else {
            request.respond(AMIEventFactory.error("'Interface' not specified.", actionID: request.actionID))
            return
        }
        guard
            self.queues.contains(where: {
                (request.nonEmpty("Queue") == nil || $0.name == request.nonEmpty("Queue"))
                    && $0.member(interface: interface) != nil
            })
        else {
            request.respond(
                AMIEventFactory.error("Invalid interface, queuename, or ringinuse value", actionID: request.actionID))
            return
        }
        request.respond(AMIEventFactory.success("Interface ringinuse set successfully", actionID: request.actionID))
        _ = self.setRingInUse(queue: request.nonEmpty("Queue"), interface: interface, value: Self.isTrue(value))
    }

    func queueReset(_ request: ActionRequest) {
        if self.resetStats(queue: request.nonEmpty("Queue")) {
            request.respond(AMIEventFactory.success("Queue stats reset successfully", actionID: request.actionID))
        } else {
            request.respond(
                AMIEventFactory.error("Error encountered while resetting queue stats.", actionID: request.actionID))
        }
    }

    func setvar(_ request: ActionRequest) {
        guard let variable = request.required("Variable", or: "No variable specified") else { return }
        let value = request["Value"] ?? ""
        if let name = request.nonEmpty("Channel"), self.channels[name] == nil {
            request.respond(AMIEventFactory.error("No such channel", actionID: request.actionID))
            return
        }
        let upper = variable.uppercased()
        if upper.hasPrefix("DEVICE_STATE("), variable.hasSuffix(")") {
            let device = String(variable.dropFirst("DEVICE_STATE(".count).dropLast())
            guard device.lowercased().hasPrefix("custom:"), let state = DeviceState(text: value), state != .unknown
            else {
                request.respond(AMIEventFactory.error("Variable not set", actionID: request.actionID))
                return
            }
            request.respond(AMIEventFactory.success("Variable Set", actionID: request.actionID))
            self.setDeviceState(device, state)
            return
        }
        self.globals[variable] = value
        request.respond(AMIEventFactory.success("Variable Set", actionID: request.actionID))
    }

    func getvar(_ request: ActionRequest) {
        guard let variable = request.required("Variable", or: "No variable specified") else { return }
        var value = self.globals[variable] ?? ""
        if variable.uppercased().hasPrefix("DEVICE_STATE("), variable.hasSuffix(")") {
            let device = String(variable.dropFirst("DEVICE_STATE(".count).dropLast())
            value = (self.deviceStates[device] ?? .unknown).text
        }
        request.respond(
            AMIEventFactory.response(
                "Success", actionID: request.actionID,
                [
                    AMIField("Variable", variable), AMIField("Value", value),
                ]))
    }

    static func isTrue(_ text: String?) -> Bool {
        guard let text = text?.lowercased() else { return false }
        return ["yes", "true", "y", "t", "1", "on"].contains(text)
    }

    static func isFalse(_ text: String?) -> Bool {
        guard let text = text?.lowercased() else { return false }
        return ["no", "false", "n", "f", "0", "off"].contains(text)
    }
}
