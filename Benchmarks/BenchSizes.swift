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
    var capacity: CapacitySizes

    static let full = BenchSizes(
        agents: 5000, queues: 200, throughputEvents: 200_000,
        latencyRuns: [(1000, 10_000), (5000, 50_000)],
        syncAgents: 5000, syncQueues: 200, memoryAgents: 5000, memoryEvents: 1_000_000,
        trafficCalls: 400, commandRoundTrips: 1000, reducerPasses: 20,
        floodRuns: [(500, 100_000), (5000, 250_000)], floodRounds: 3, restartOutages: [1, 3],
        capacity: CapacitySizes(
            callCenters: [(1000, 40), (5000, 200), (10_000, 400), (20_000, 800)],
            rates: [1000, 2000, 5000, 10_000, 20_000], seconds: 3,
            bridgeCounts: [1, 2, 4, 8], siteAgents: 500, siteQueues: 20, siteRate: 1000))

    static let smoke = BenchSizes(
        agents: 50, queues: 5, throughputEvents: 2000,
        latencyRuns: [(1000, 200), (5000, 500)],
        syncAgents: 200, syncQueues: 10, memoryAgents: 200, memoryEvents: 5000,
        trafficCalls: 10, commandRoundTrips: 20, reducerPasses: 1,
        floodRuns: [(20, 2000)], floodRounds: 1, restartOutages: [1],
        capacity: CapacitySizes(
            callCenters: [(50, 5)], rates: [500], seconds: 0.2, bridgeCounts: [1, 2], siteAgents: 20, siteQueues: 2,
            siteRate: 200))
}

/// The capacity scenario's steps.
struct CapacitySizes: Sendable {
    /// (agents, queues) of each call center one bridge serves, smallest first.
    var callCenters: [(agents: Int, queues: Int)]
    /// Event rates each call center is driven at, lowest first, until the goal is missed.
    var rates: [Int]
    /// Seconds of events per step.
    var seconds: Double
    /// How many bridges share the broker in each multi-site step, fewest first.
    var bridgeCounts: [Int]
    var siteAgents: Int
    var siteQueues: Int
    /// Events per second each site's bridge gets in the multi-site steps.
    var siteRate: Int
}
