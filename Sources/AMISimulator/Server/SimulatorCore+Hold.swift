import AMI

/// Hold and Unhold as Asterisk 22 raises them for a Local channel (call-features/hold.ami):
/// through `HOLD_INTERCEPT`, the channel's snapshot and nothing else (no MusicClass). The
/// capture's `[agents-hold]` context answers, talks 2 s, holds for `HOLDTIME` (3 s), talks 2 s
/// and hangs up; a member whose interface runs in that context plays the same script, and
/// `AMISimulator.hold(channel:)` raises the events on any live channel.
extension SimulatorCore {
    /// The capture's context whose agents put every call on hold once.
    static let holdInterceptContext = "agents-hold"
    /// `Wait(2)` before and after the hold, `WaitExten(${HOLDTIME:-3},m(default))` between.
    static let holdInterceptTalk = 2.0
    static let holdInterceptHold = 3.0

    /// Raises `Hold` (or `Unhold`) for a live channel; false when no channel has that name.
    @discardableResult
    func setHold(channelNamed name: String, _ onHold: Bool) -> Bool {
        guard let channel = self.channels[name] else { return false }
        self.broadcast(AMIEventFactory.channelEvent(onHold ? "Hold" : "Unhold", .call, channel))
        return true
    }

    /// Plays `[agents-hold]` on an answered agent leg: 2 s of talk, Hold for 3 s, Unhold,
    /// 2 s of talk. Returns the conversation's length, after which the agent hangs up.
    func playHoldIntercept(_ leg: SimAgentLeg) -> Double {
        let agent = leg.two
        let talk = Self.holdInterceptTalk
        let hold = Self.holdInterceptHold
        self.schedule(after: talk) { core in
            guard core.channels[agent.name] === agent else { return }
            agent.priority = 6
            core.broadcast(AMIEventFactory.newexten(agent, application: "Set", data: "HOLD_INTERCEPT(set)="))
            agent.priority = 7
            agent.application = "WaitExten"
            agent.applicationData = "\(Int(hold)),m(default)"
            core.broadcast(AMIEventFactory.newexten(agent, application: "WaitExten", data: agent.applicationData))
            core.setHold(channelNamed: agent.name, true)
        }
        self.schedule(after: talk + hold) { core in
            guard core.channels[agent.name] === agent else { return }
            core.setHold(channelNamed: agent.name, false)
            agent.exten = "t"
            agent.priority = 1
            agent.application = "Wait"
            agent.applicationData = String(Int(talk))
            core.broadcast(AMIEventFactory.newexten(agent, application: "Wait", data: agent.applicationData))
        }
        return talk + hold + talk
    }
}
