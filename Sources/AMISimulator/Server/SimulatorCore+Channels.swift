import AMI

/// Channel bookkeeping: names, unique ids, Local pairs, bridges and hangups.
extension SimulatorCore {
    func newUniqueID() -> String {
        self.nextUniqueID += 1
        return "\(self.epochNow).\(self.nextUniqueID)"
    }

    static func hex(_ value: Int, width: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    func newBridgeID() -> String {
        self.nextBridgeID += 1
        return "5e1d0000-0000-4000-8000-" + Self.hex(self.nextBridgeID, width: 12)
    }

    /// A `Local/{exten}@{context}-XXXXXXXX;1/;2` pair; `;1` Down, `;2` Ring.
    func makeLocalPair(exten: String, context: String, linkedID: String?) -> (SimChannel, SimChannel) {
        let suffix = Self.hex(self.nextLocalID, width: 8)
        self.nextLocalID += 1
        let base = "Local/\(exten)@\(context)-\(suffix)"
        let oneID = self.newUniqueID()
        let twoID = self.newUniqueID()
        let linked = linkedID ?? oneID
        let one = SimChannel(
            name: base + ";1", state: .down, context: context, exten: exten, uniqueID: oneID, linkedID: linked,
            createdAt: self.now)
        let two = SimChannel(
            name: base + ";2", state: .ring, context: context, exten: exten, uniqueID: twoID, linkedID: linked,
            createdAt: self.now)
        self.register(one)
        self.register(two)
        return (one, two)
    }

    func register(_ channel: SimChannel) {
        self.channels[channel.name] = channel
        self.channelOrder.append(channel.name)
    }

    func unregister(_ channel: SimChannel) {
        guard self.channels.removeValue(forKey: channel.name) != nil else { return }
        if let index = self.channelOrder.firstIndex(of: channel.name) {
            self.channelOrder.remove(at: index)
        }
    }

    func setCallerID(_ channel: SimChannel, num: String, name: String) {
        channel.callerIDNum = num
        channel.callerIDName = name
    }

    func setUp(_ channel: SimChannel) {
        channel.state = .up
        self.broadcast(AMIEventFactory.newstate(channel))
    }

    /// Hangup events for one channel, then forgets it.
    func hangupChannel(_ channel: SimChannel, cause: Int, request: Bool = true, soft: Bool = false) {
        guard self.channels[channel.name] != nil else { return }
        self.parkeeGone(channel)
        if request {
            self.broadcast(AMIEventFactory.hangupRequest(channel, cause: soft ? 16 : cause, soft: soft))
        }
        self.broadcast(AMIEventFactory.hangup(channel, cause: cause))
        self.unregister(channel)
    }

    func newCall(kind: SimCall.Kind, channels: [SimChannel]) -> SimCall {
        self.nextCallID += 1
        let call = SimCall(id: self.nextCallID, kind: kind, channels: channels)
        for channel in channels { channel.call = call }
        self.calls[call.id] = call
        return call
    }

    func finish(_ call: SimCall) {
        call.ended = true
        self.cancel(call.endTimer)
        call.endTimer = nil
        for channel in call.channels { self.unregister(channel) }
        self.calls[call.id] = nil
    }

    /// Parses `"Name" <num>`, `Name <num>` or `num`.
    static func parseCallerID(_ text: String?) -> (num: String, name: String)? {
        guard let text, !text.isEmpty else { return nil }
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            let num = String(text[text.index(after: open)..<close])
            var name = String(text[..<open]).trimmingSpaces()
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
                name = String(name.dropFirst().dropLast())
            }
            return (num, name.isEmpty ? "<unknown>" : name)
        }
        return (text, "<unknown>")
    }
}
