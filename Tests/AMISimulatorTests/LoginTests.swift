import AMI
import AMISimulator
import Testing

/// Login, permissions and response framing.
@Suite struct LoginTests {
    /// Should greet with Asterisk's banner and accept an MD5 login keyed on its challenge.
    @Test func md5LoginWithChallenge() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        let challenge = try await client.action("Challenge", ["AuthType": "MD5"])
        let value = try #require(challenge["Challenge"])
        #expect(challenge.fields.map(\.key) == ["Response", "ActionID", "Challenge"])
        let login = try await client.action(
            "Login",
            [
                "AuthType": "MD5", "Username": "bridge", "Key": FixtureReplayer.md5Hex(value + "bridgepw"),
                "Events": "on",
            ])
        #expect(login["Message"] == "Authentication accepted")
        #expect(client.received.frames.first == .banner(product: "Asterisk", version: "11.0.0"))
        try await client.waitFor("FullyBooted and SuccessfulAuth") { messages in
            messages.contains { $0.eventName == "FullyBooted" }
                && messages.contains { $0.eventName == "SuccessfulAuth" }
        }
        let ping = try await client.action("Ping")
        #expect(ping["Ping"] == "Pong")
        #expect(ping.fields.map(\.key) == ["Response", "ActionID", "Ping", "Timestamp"])
    }

    /// Should refuse a wrong MD5 key or secret with `Authentication failed` and hang up.
    @Test(arguments: [
        ["AuthType": "MD5", "Username": "bridge", "Key": "00000000000000000000000000000000"],
        ["Username": "bridge", "Secret": "wrong"],
        ["Username": "nobody", "Secret": "bridgepw"],
    ])
    func badCredentialsCloseTheConnection(_ fields: [String: String]) async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        if fields["AuthType"] != nil {
            try await client.action("Challenge", ["AuthType": "MD5"])
        }
        client.send(
            AMIMessage(
                fields: [AMIField("Action", "Login")]
                    + fields.sorted { $0.key < $1.key }.map { AMIField($0.key, $0.value) } + [
                        AMIField("ActionID", "l1")
                    ]))
        let response = try await client.response("l1")
        #expect(response.isError)
        #expect(response["Message"] == "Authentication failed")
        try await client.waitClosed()
    }

    /// Should answer actions before login with `Permission denied`, and unknown actions with
    /// Asterisk's message; responses without an ActionID carry none.
    @Test func errorsBeforeAndAfterLogin() async throws {
        let simulator = try await AMISimulator.start()
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        let denied = try await client.action("QueueStatus")
        #expect(denied["Message"] == "Permission denied")
        try await client.login(events: "off")
        let unknown = try await client.action("NoSuchAction")
        #expect(
            unknown["Message"]
                == "Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available commands.")
        client.sendRaw("Action: Ping\r\n\r\n")
        let ping = try await client.waitFor("a Ping without ActionID") {
            $0.contains { $0["Ping"] == "Pong" && $0.actionID == nil }
        }
        #expect(ping.last?.fields.map(\.key) == ["Response", "Ping", "Timestamp"])
        let received = await simulator.receivedActions()
        #expect(received.map(\.name) == ["QueueStatus", "Login", "NoSuchAction", "Ping"])
        #expect(received.last?.username == "bridge")
    }

    /// Should apply the limited user's permissions: no system events, write actions refused.
    @Test func limitedUser() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(users: [.bridge, .limited]))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login(user: "limited", secret: "limitedpw")
        let add = try await client.action("QueueAdd", ["Queue": "q1", "Interface": "Local/147@agents/n"])
        #expect(add["Message"] == "Permission denied")
        let filter = try await client.action("Filter", ["Operation": "Add", "Filter": "Event: Foo"])
        #expect(filter["Message"] == "Permission denied")
        let status = try await client.action("QueueStatus")
        #expect(status["EventList"] == "start")
        try await client.waitQuiet()
        #expect(!client.messages.contains { $0.eventName == "FullyBooted" || $0.eventName == "SuccessfulAuth" })
    }
}
