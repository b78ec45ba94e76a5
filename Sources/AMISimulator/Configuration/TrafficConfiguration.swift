/// The random call generator's parameters. Same seed and same parameters give the same calls.
public struct TrafficConfiguration: Sendable, Hashable {
    /// Mean arrival rate (Poisson arrivals), calls per simulated second.
    public var callsPerSecond: Double
    public var seed: UInt64
    /// Share of callers (0…1) who hang up before an agent answers.
    public var abandonRate: Double
    /// Talk time range, simulated seconds.
    public var talkTime: ClosedRange<Double>
    /// How long an agent's phone rings before answering, simulated seconds.
    public var ringTime: ClosedRange<Double>
    /// How long an abandoning caller waits before hanging up, simulated seconds.
    public var patience: ClosedRange<Double>
    /// Stop after this many calls (nil: run until stopped).
    public var maxCalls: Int?
    /// Queues to send callers to (nil: every queue, uniformly).
    public var queues: [String]?

    public init(
        callsPerSecond: Double = 1,
        seed: UInt64 = 1,
        abandonRate: Double = 0.1,
        talkTime: ClosedRange<Double> = 3...12,
        ringTime: ClosedRange<Double> = 0.5...3,
        patience: ClosedRange<Double> = 1...8,
        maxCalls: Int? = nil,
        queues: [String]? = nil
    ) {
        self.callsPerSecond = callsPerSecond
        self.seed = seed
        self.abandonRate = abandonRate
        self.talkTime = talkTime
        self.ringTime = ringTime
        self.patience = patience
        self.maxCalls = maxCalls
        self.queues = queues
    }
}
