/// One queue membership: the same agent in two queues is two members sharing a device state.
final class SimMember {
    let name: String
    let interface: String
    let stateInterface: String
    let isDynamic: Bool
    var penalty: Int
    var callsTaken = 0
    var lastCall = 0
    var lastPause = 0
    let loginTime: Int
    var inCall = false
    var paused = false
    var pausedReason = ""
    var ringInUse = false
    /// Currently being rung by a queue caller (not offered another call meanwhile).
    var ringing = false

    init(name: String, interface: String, stateInterface: String, isDynamic: Bool, penalty: Int, loginTime: Int) {
        self.name = name
        self.interface = interface
        self.stateInterface = stateInterface
        self.isDynamic = isDynamic
        self.penalty = penalty
        self.loginTime = loginTime
    }

    var membership: String { self.isDynamic ? "dynamic" : "static" }
}

@available(*, unavailable)
extension SimMember: Sendable {}
