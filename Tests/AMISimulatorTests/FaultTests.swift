import AMI
import AMISimulator
import NIOCore
import NIOPosix
import Testing

/// The scriptable faults, as a client sees them on the socket.
@Suite struct FaultTests {
    /// Should close every connection and keep accepting new ones.
    @Test func dropAllConnections() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let a = try await AMITestClient.connect(port: simulator.port)
        let b = try await AMITestClient.connect(port: simulator.port)
        try await a.login()
        try await b.waitFor("banner") { _ in !b.received.frames.isEmpty }
        await simulator.dropAllConnections()
        try await a.waitClosed()
        try await b.waitClosed()
        #expect(!a.messages.contains { $0.response == "Goodbye" })
        let c = try await AMITestClient.connect(port: simulator.port)
        #expect(try await c.login()["Message"] == "Authentication accepted")
    }

    /// Should answer nothing while stalled, not even Ping, keep the socket open, then answer.
    @Test func stallAndResume() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        await simulator.setStalled(true)
        client.send(AMIAction("Ping").message(actionID: "p1"))
        await #expect(throws: AMITestClient.Failure.self) {
            try await client.response("p1", timeout: .milliseconds(300))
        }
        #expect(!client.isClosed)
        await simulator.setStalled(false)
        #expect(try await client.response("p1")["Ping"] == "Pong")
    }

    /// Should put the given bytes on the wire, where a client's decoder sees a broken packet.
    @Test func garbageBytes() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port, keepRaw: true)
        try await client.login()
        let garbage = Array("this is not AMI\r\n\r\n".utf8)
        await simulator.sendGarbage(garbage)
        try await client.waitFor("garbage") { _ in
            client.received.frames.contains { if case .malformed = $0 { return true } else { return false } }
        }
        #expect(client.received.raw.suffix(garbage.count) == garbage[...])
    }

    /// Should refuse connections for a while, keeping the port, then listen on it again.
    @Test func refuseConnections() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let port = simulator.port
        // A long window, probed until it is seen: on a loaded machine the refusing task may
        // start late, and each probe connect may be slow.
        let refusing = Task { try await simulator.refuseConnections(for: .seconds(4)) }
        var refused = false
        let deadline = ContinuousClock.now + .seconds(4)
        while !refused, ContinuousClock.now < deadline {
            do {
                let client = try await AMITestClient.connect(port: port)
                await client.close()
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                refused = true
            }
        }
        #expect(refused)
        // Nothing else can take the port meanwhile (any bind to port 0 on the machine might
        // have got it), or listening again would fail with EADDRINUSE.
        await #expect(throws: (any Error).self) {
            let intruder = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: port).get()
            try await intruder.close()
        }
        try await refusing.value
        let client = try await AMITestClient.connect(port: port)
        #expect(try await client.login()["Message"] == "Authentication accepted")
    }

    /// Should restart like Asterisk: dynamic members gone, uptime from 0, no Shutdown event
    /// when not graceful.
    @Test func hardRestartResetsState() async throws {
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(clock: .manual, initialUptime: 50))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        try await client.action("QueueAdd", ["Queue": "q1", "Interface": "Local/147@agents/n", "MemberName": "Alice"])
        try await simulator.restart(graceful: false, downtime: .milliseconds(50))
        try await client.waitClosed()
        #expect(!client.messages.contains { $0.eventName == "Shutdown" })
        let again = try await AMITestClient.connect(port: simulator.port)
        try await again.login()
        try await again.waitFor("FullyBooted") { $0.contains { $0.eventName == "FullyBooted" } }
        #expect(again.messages.first { $0.eventName == "FullyBooted" }?["Uptime"] == "0")
        try await again.action("QueueStatus", ["Queue": "q1"])
        try await again.waitFor("QueueStatusComplete") { $0.contains { $0.eventName == "QueueStatusComplete" } }
        #expect(!again.messages.contains { $0.eventName == "QueueMember" })
    }

    /// Should deliver every firehose event to each logged-in session, honouring masks.
    @Test func firehose() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let on = try await AMITestClient.connect(port: simulator.port)
        try await on.login()
        let agentOnly = try await AMITestClient.connect(port: simulator.port)
        try await agentOnly.login(events: "agent")
        try await on.waitQuiet()
        try await agentOnly.waitQuiet()
        let events = [
            AMIMessage(["Event": "QueueMemberStatus", "Privilege": "agent,all", "Queue": "q1", "Status": "2"]),
            AMIMessage(["Event": "Newexten", "Privilege": "dialplan,all", "Channel": "Local/1@x-0;1"]),
        ]
        let before = (on.messages.count, agentOnly.messages.count)
        let written = try await simulator.firehose(events, count: 20_000)
        #expect(written == 30_000)
        try await on.waitFor("20000 events", timeout: .seconds(20)) { $0.count - before.0 == 20_000 }
        try await agentOnly.waitFor("10000 events", timeout: .seconds(20)) { $0.count - before.1 == 10_000 }
        #expect(agentOnly.messages.dropFirst(before.1).allSatisfy { $0.eventName == "QueueMemberStatus" })
    }
}
