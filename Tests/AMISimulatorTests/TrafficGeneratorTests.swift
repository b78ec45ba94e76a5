import AMI
import AMISimulator
import PBXTestSupport
import Testing

/// The seeded call generator: reproducible, realistic, and consistent with the list actions.
@Suite struct TrafficGeneratorTests {
    private static func configuration() -> SimulatorConfiguration {
        SimulatorConfiguration(callCenter: .generated(agents: 5, queues: 2), clock: .manual, startEpoch: 1_795_600_000)
    }

    /// Runs `seconds` of simulated traffic and returns what a logged-in client received.
    private func run(seed: UInt64, seconds: Int, stopAt: Int? = nil) async throws -> (AMISimulator, AMITestClient) {
        let simulator = try await AMISimulator.start(configuration: Self.configuration())
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login(events: "call,agent,dialplan")
        await simulator.startTraffic(TrafficConfiguration(callsPerSecond: 0.4, seed: seed, abandonRate: 0.25))
        for second in 0..<seconds {
            if second == stopAt { await simulator.stopTraffic() }
            await simulator.advance(by: 1)
        }
        try await client.barrier()
        return (simulator, client)
    }

    /// Should emit exactly the same packets for the same seed, and different ones for another.
    @Test func sameSeedSameEvents() async throws {
        let (first, a) = try await self.run(seed: 42, seconds: 90)
        let (second, b) = try await self.run(seed: 42, seconds: 90)
        let (third, c) = try await self.run(seed: 43, seconds: 90)
        defer {
            Task {
                try? await first.shutdown()
                try? await second.shutdown()
                try? await third.shutdown()
            }
        }
        let events = { (client: AMITestClient) in client.messages.filter { $0.eventName != nil && $0["Ping"] == nil } }
        #expect(events(a).count > 100)
        #expect(events(a) == events(b))
        #expect(events(a) != events(c))
    }

    /// Should keep QueueStatus, QueueSummary and CoreShowChannels in line with the events it sent.
    @Test func listsMatchEmittedEvents() async throws {
        let (simulator, client) = try await self.run(seed: 5, seconds: 200, stopAt: 150)
        defer { Task { try? await simulator.shutdown() } }
        let events = client.messages.filter { $0.eventName != nil }
        func count(_ name: String) -> Int { events.filter { $0.eventName == name }.count }
        #expect(count("QueueCallerJoin") > 10)
        #expect(count("AgentComplete") > 0)
        #expect(count("QueueCallerAbandon") > 0)

        let before = client.messages.count
        try await client.action("QueueStatus")
        try await client.waitFor("QueueStatusComplete") {
            $0.dropFirst(before).contains { $0.eventName == "QueueStatusComplete" }
        }
        let status = client.messages.dropFirst(before)
        let params = status.filter { $0.eventName == "QueueParams" }
        let completed = params.compactMap { Int($0["Completed"] ?? "") }.reduce(0, +)
        let abandoned = params.compactMap { Int($0["Abandoned"] ?? "") }.reduce(0, +)
        #expect(completed == count("AgentComplete"))
        #expect(abandoned == count("QueueCallerAbandon"))
        let waiting = status.filter { $0.eventName == "QueueEntry" }.count
        #expect(waiting == count("QueueCallerJoin") - count("QueueCallerLeave"))
        // Each member's status and call count match its last QueueMemberStatus and its AgentCompletes.
        for member in status.filter({ $0.eventName == "QueueMember" }) {
            let queue = member["Queue"]
            let interface = member["Location"]
            let last = events.last {
                $0.eventName == "QueueMemberStatus" && $0["Queue"] == queue && $0["Interface"] == interface
            }
            if let last { #expect(member["Status"] == last["Status"]) }
            let taken = events.filter {
                $0.eventName == "AgentComplete" && $0["Queue"] == queue && $0["Interface"] == interface
            }.count
            #expect(member["CallsTaken"] == String(taken))
        }

        let mark = client.messages.count
        try await client.action("CoreShowChannels")
        try await client.waitFor("CoreShowChannelsComplete") {
            $0.dropFirst(mark).contains { $0.eventName == "CoreShowChannelsComplete" }
        }
        let live = client.messages.dropFirst(mark).filter { $0.eventName == "CoreShowChannel" }.count
        #expect(live == count("Newchannel") - count("Hangup"))
    }

    /// Should only send packets shaped like Asterisk's (traffic-10-calls.ami and the others).
    @Test func generatedPacketsLookLikeAsterisk() async throws {
        let (simulator, client) = try await self.run(seed: 9, seconds: 120)
        defer { Task { try? await simulator.shutdown() } }
        let catalog = try ShapeCatalog.allFixtures()
        let produced = client.messages
        #expect(catalog.mismatches(in: produced) == [])
        let unknown = Set(produced.map { PacketShape($0).type }).subtracting(catalog.types)
        #expect(unknown.isEmpty)
        let reference = try ShapeCatalog.fixture("traffic-10-calls.ami").types
            .subtracting([
                "FullyBooted", "SuccessfulAuth", "OriginateResponse", "QueueMemberAdded", "QueueMemberRemoved",
                "Response: Goodbye",
            ])
        #expect(reference.subtracting(produced.map { PacketShape($0).type }) == [])
    }

    /// Should place calls on its own with a real-time clock, faster by the time scale.
    @Test func realTimeClockDrivesTraffic() async throws {
        let configuration = SimulatorConfiguration(
            callCenter: .generated(agents: 3, queues: 1), clock: .realTime(scale: 0.01))
        let simulator = try await AMISimulator.start(configuration: configuration)
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login(events: "agent")
        await simulator.startTraffic(TrafficConfiguration(callsPerSecond: 1, seed: 3, abandonRate: 0, maxCalls: 5))
        try await client.waitFor("five answered calls", timeout: .seconds(60)) { messages in
            messages.filter { $0.eventName == "AgentComplete" }.count == 5
        }
        #expect(await simulator.trafficCallCount() == 5)
        #expect(await simulator.simulatedTime() > 5)
    }
}
