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

    static let full = BenchSizes(
        agents: 5000, queues: 200, throughputEvents: 200_000,
        latencyRuns: [(1000, 10_000), (5000, 50_000)],
        syncAgents: 5000, syncQueues: 200, memoryAgents: 5000, memoryEvents: 1_000_000,
        trafficCalls: 400, commandRoundTrips: 1000, reducerPasses: 20)

    static let smoke = BenchSizes(
        agents: 50, queues: 5, throughputEvents: 2000,
        latencyRuns: [(1000, 200), (5000, 500)],
        syncAgents: 200, syncQueues: 10, memoryAgents: 200, memoryEvents: 5000,
        trafficCalls: 10, commandRoundTrips: 20, reducerPasses: 1)
}
