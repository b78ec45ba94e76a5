import AMI
import AMISimulator
import Testing

/// The `Events` mask and the `Filter` action decide which unsolicited events a session gets.
@Suite struct EventFilteringTests {
    /// Runs a few generated calls with every `clients` connected and logged in.
    private func runTraffic(_ simulator: AMISimulator, _ clients: [AMITestClient]) async throws {
        await simulator.startTraffic(TrafficConfiguration(callsPerSecond: 0.5, seed: 7, abandonRate: 0.3, maxCalls: 6))
        for _ in 0..<120 { await simulator.advance(by: 1) }
        for client in clients { try await client.barrier() }
    }

    private func events(_ client: AMITestClient) -> [AMIMessage] {
        client.messages.filter { $0.eventName != nil && $0.actionID == nil }
    }

    private static let manual = SimulatorConfiguration(callCenter: .generated(agents: 4, queues: 2), clock: .manual)

    /// Should deliver only the classes of the mask: `call,agent` gets exactly the unfiltered
    /// connection's call and agent events, `off` gets nothing.
    @Test func eventMaskSelectsClasses() async throws {
        let simulator = try await AMISimulator.start(configuration: Self.manual)
        defer { Task { try? await simulator.shutdown() } }
        let all = try await AMITestClient.connect(port: simulator.port)
        try await all.login(events: "on")
        let callAgent = try await AMITestClient.connect(port: simulator.port)
        try await callAgent.login(events: "call,agent")
        let off = try await AMITestClient.connect(port: simulator.port)
        try await off.login(events: "on")
        try await off.action("Events", ["EventMask": "off"])
        for client in [all, callAgent, off] { try await client.barrier() }
        let baseline = self.events(all).count
        try await self.runTraffic(simulator, [all, callAgent, off])

        let unfiltered = self.events(all).dropFirst(baseline)
        let expected = unfiltered.filter { $0["Privilege"] == "call,all" || $0["Privilege"] == "agent,all" }
        #expect(unfiltered.contains { $0["Privilege"] == "dialplan,all" })
        #expect(!expected.isEmpty)
        let masked = self.events(callAgent).filter { $0.eventName != "SuccessfulAuth" }
        #expect(masked.map(\.eventName) == expected.map(\.eventName))
        #expect(self.events(off).filter { $0.eventName != "SuccessfulAuth" && $0.eventName != "FullyBooted" }.isEmpty)
    }

    /// Should combine filters as Asterisk does: includes OR-ed, excludes veto; responses and
    /// list items pass regardless.
    @Test func filtersIncludeAndExclude() async throws {
        let simulator = try await AMISimulator.start(configuration: Self.manual)
        defer { Task { try? await simulator.shutdown() } }
        let all = try await AMITestClient.connect(port: simulator.port)
        try await all.login()
        let include = try await AMITestClient.connect(port: simulator.port)
        try await include.login()
        for pattern in ["Event: QueueMemberStatus", "Event: Agent(Called|Connect|Complete)"] {
            let ok = try await include.action("Filter", ["Operation": "Add", "Filter": pattern])
            #expect(ok["Message"] == "Success")
        }
        let exclude = try await AMITestClient.connect(port: simulator.port)
        try await exclude.login()
        try await exclude.action("Filter", ["Operation": "Add", "Filter": "!Event: (VarSet|Newexten)"])
        let both = try await AMITestClient.connect(port: simulator.port)
        try await both.login()
        try await both.action("Filter", ["Operation": "Add", "MatchCriteria": "name(AgentCalled)", "Filter": ""])
        try await both.action("Filter", ["Operation": "Add", "Filter": "Event: Agent"])
        try await both.action("Filter", ["Operation": "Add", "Filter": "!Event: AgentComplete"])
        for client in [all, include, exclude, both] { try await client.barrier() }
        let counts = [all, include, exclude, both].map { self.events($0).count }
        try await self.runTraffic(simulator, [all, include, exclude, both])

        let unfiltered = self.events(all).dropFirst(counts[0]).compactMap(\.eventName)
        let included = self.events(include).dropFirst(counts[1]).compactMap(\.eventName)
        #expect(
            included
                == unfiltered.filter {
                    $0 == "QueueMemberStatus" || ["AgentCalled", "AgentConnect", "AgentComplete"].contains($0)
                })
        #expect(!included.isEmpty)
        let excluded = self.events(exclude).dropFirst(counts[2]).compactMap(\.eventName)
        #expect(excluded == unfiltered.filter { $0 != "VarSet" && $0 != "Newexten" })
        let combined = self.events(both).dropFirst(counts[3]).compactMap(\.eventName)
        #expect(combined == unfiltered.filter { $0.hasPrefix("Agent") && $0 != "AgentComplete" })

        let list = try await include.action("QueueStatus")
        #expect(list["EventList"] == "start")
        try await include.waitFor("QueueStatusComplete") { $0.contains { $0.eventName == "QueueStatusComplete" } }
        #expect(include.messages.contains { $0.eventName == "QueueParams" })
    }

    /// Should refuse a regex that does not compile and any operation but Add.
    @Test func filterErrors() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        let bad = try await client.action("Filter", ["Operation": "Add", "Filter": "Event: ("])
        #expect(bad["Message"] == "Filter did not compile.  Check the syntax of the filter given.")
        let remove = try await client.action("Filter", ["Operation": "Remove", "Filter": "Event: Foo"])
        #expect(remove["Message"] == "Unknown operation")
    }
}
