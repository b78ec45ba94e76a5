/// How big each scenario runs: full figures, or tiny ones for CI's smoke run.
struct BenchSizes: Sendable {
    var agents: Int
    var queues: Int
    var throughputEvents: Int
    /// (events per second, events sent) for each latency run.
    var latencyRuns: [(rate: Int, count: Int)]
    var syncAgents: Int
    var syncQueues: Int
    var memoryAgents: Int
    var memoryEvents: Int
    var trafficCalls: Int
    var commandRoundTrips: Int
    var reducerPasses: Int
    /// (agents, events) of each state flood.
    var floodRuns: [(agents: Int, events: Int)]
    /// Rounds of each flood and QoS (bridge and limit alternating); goals must hold in every one.
    var floodRounds: Int
    /// Seconds the broker stays down in each restart run.
    var restartOutages: [Int]

    static let full = BenchSizes(
        agents: 5000, queues: 200, throughputEvents: 200_000,
        latencyRuns: [(1000, 10_000), (5000, 50_000)],
        syncAgents: 5000, syncQueues: 200, memoryAgents: 5000, memoryEvents: 1_000_000,
        trafficCalls: 400, commandRoundTrips: 1000, reducerPasses: 20,
        floodRuns: [(500, 100_000), (5000, 250_000)], floodRounds: 3, restartOutages: [1, 3])

    static let smoke = BenchSizes(
        agents: 50, queues: 5, throughputEvents: 2000,
        latencyRuns: [(1000, 200), (5000, 500)],
        syncAgents: 200, syncQueues: 10, memoryAgents: 200, memoryEvents: 5000,
        trafficCalls: 10, commandRoundTrips: 20, reducerPasses: 1,
        floodRuns: [(20, 2000)], floodRounds: 1, restartOutages: [1])
}
