/// How a simulated call behaves, decided when it starts (Originate variables or the traffic
/// generator's draws).
struct CallPlan {
    enum Ender {
        case agent
        case caller
    }

    /// The caller hangs up this many simulated seconds after the call started, whatever
    /// happens (Originate `Application: Wait`, an abandoning caller's patience).
    var callerLifetime: Double?
    /// Seconds an agent's phone rings before answering.
    var ringTime: (SimulatorCore) -> Double
    /// Seconds of conversation.
    var talkTime: Double
    /// Who hangs up when the talk time is over.
    var talkEndedBy: Ender = .agent
}
