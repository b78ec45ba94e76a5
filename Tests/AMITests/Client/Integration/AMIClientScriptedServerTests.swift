import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import AMI

/// The client over real loopback TCP against `ScriptedAMIServer`, a few-line Asterisk.
@Suite struct AMIClientScriptedServerTests {
    /// Switches the scripted Asterisk between answering and stalling.
    final class Switches: Sendable {
        let stalled = Mutex(false)
    }

    /// Answers like Asterisk 22 for the actions these tests use.
    static func asterisk(secret: String = "bridgepw", switches: Switches = Switches()) -> ScriptedAMIServer.Script {
        let challenge = "577092151"
        return { action in
            if switches.stalled.withLock({ $0 }) { return .silence }
            let id = action.actionID ?? ""
            func reply(_ pairs: KeyValuePairs<String, String>) -> AMIMessage {
                var message = AMIMessage(pairs)
                message.fields.insert(AMIField("ActionID", id), at: 1)
                return message
            }
            switch action.actionName ?? "" {
            case "Challenge":
                return .messages([reply(["Response": "Success", "Challenge": challenge])])
            case "Login":
                let accepted =
                    action["Secret"] == secret
                    || action["Key"] == AMIConnectionStateMachine.md5Key(challenge: challenge, secret: secret)
                if !accepted {
                    return .messages([reply(["Response": "Error", "Message": "Authentication failed"])])
                }
                return .messages([
                    reply(["Response": "Success", "Message": "Authentication accepted"]),
                    AMIMessage(["Event": "FullyBooted", "Privilege": "system,all", "Status": "Fully Booted"]),
                ])
            case "Ping":
                return .messages([reply(["Response": "Success", "Ping": "Pong"])])
            case "QueueStatus":
                return .messages([
                    reply(["Response": "Success", "EventList": "start", "Message": "Queue status will follow"]),
                    AMIMessage(["Event": "QueueParams", "Queue": "q1", "ActionID": id]),
                    AMIMessage(["Event": "QueueMemberStatus", "Queue": "q1", "MemberName": "Alice"]),
                    AMIMessage(["Event": "QueueMember", "Queue": "q1", "Name": "Alice", "ActionID": id]),
                    AMIMessage([
                        "Event": "QueueStatusComplete", "ActionID": id, "EventList": "Complete", "ListItems": "2",
                    ]),
                ])
            case "Stall":
                return .silence
            case "Logoff":
                return .messages([reply(["Response": "Goodbye", "Message": "Thanks for all the fish."])])
            default:
                return .messages([reply(["Response": "Error", "Message": "Invalid/unknown command"])])
            }
        }
    }

    static func configuration(
        port: Int,
        authType: AMIConfiguration.AuthType = .md5,
        secret: String = "bridgepw",
        keepalive: Bool = false
    ) -> AMIConfiguration {
        AMIConfiguration(
            host: "127.0.0.1", port: port, username: "bridge", secret: secret, authType: authType,
            // Long enough not to fire on a loaded CI machine, except in the keepalive test.
            keepaliveInterval: keepalive ? .milliseconds(200) : .seconds(60), keepaliveTimeout: .milliseconds(300),
            actionTimeout: .seconds(2), connectTimeout: .seconds(2),
            backoff: .init(initial: .milliseconds(100), factor: 2, maximum: .seconds(1), jitter: 0)
        )
    }

    /// Runs `body` with a started server and client, then shuts both down.
    static func withClient(
        secret: String = "bridgepw",
        authType: AMIConfiguration.AuthType = .md5,
        switches: Switches = Switches(),
        keepalive: Bool = false,
        _ body: (AMIClient, ScriptedAMIServer, RecordingDelegate) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ScriptedAMIServer.start(group: group, script: Self.asterisk(switches: switches))
        let delegate = RecordingDelegate()
        let client = AMIClient(
            configuration: Self.configuration(
                port: server.port, authType: authType, secret: secret, keepalive: keepalive),
            eventLoopGroup: group,
            logger: CapturingLogHandler.logger().0
        )
        client.start(delegate: delegate)
        do {
            try await body(client, server, delegate)
        } catch {
            await client.shutdown()
            await server.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await client.shutdown()
        await server.shutdown()
        try await group.shutdownGracefully()
    }

    static func isConnected(_ delegate: RecordingDelegate) -> Bool {
        if case .connected? = delegate.states.last { return true }
        return false
    }

    /// Should log in over TCP with either auth type and reach connected.
    @Test(arguments: [AMIConfiguration.AuthType.plain, .md5])
    func logsInOverTCP(authType: AMIConfiguration.AuthType) async throws {
        try await Self.withClient(authType: authType) { client, server, delegate in
            #expect(await eventually { Self.isConnected(delegate) })
            let names = server.received.map { $0.actionName ?? "" }
            #expect(names.prefix(authType == .md5 ? 2 : 1) == (authType == .md5 ? ["Challenge", "Login"] : ["Login"]))
            #expect(delegate.eventNames.first == "FullyBooted")
            #expect(delegate.states.first == .connecting(attempt: 1))
        }
    }

    /// Should report a wrong secret as loginFailed and retry with growing delays.
    @Test func badSecretBacksOff() async throws {
        try await Self.withClient(secret: "wrong") { client, server, delegate in
            #expect(
                await eventually {
                    delegate.states.filter { if case .disconnected = $0 { true } else { false } }.count >= 3
                })
            let retries = delegate.states.compactMap { state -> TimeAmount? in
                guard case .disconnected(.loginFailed(message: "Authentication failed"), let retryIn) = state else {
                    return nil
                }
                return retryIn
            }
            #expect(Array(retries.prefix(3)) == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
            #expect(!Self.isConnected(delegate))
        }
    }

    /// Should collect a list over TCP while an unrelated event interleaves.
    @Test func collectsListOverTCP() async throws {
        try await Self.withClient { client, server, delegate in
            #expect(await eventually { Self.isConnected(delegate) })
            let status = try await client.send(AMIAction("QueueStatus"))
            #expect(status.events.map { $0.eventName ?? "" } == ["QueueParams", "QueueMember"])
            #expect(status.completion?["ListItems"] == "2")
            #expect(await eventually { delegate.eventNames.contains("QueueMemberStatus") })
        }
    }

    /// Should time out one action without disturbing the connection.
    @Test func perActionTimeoutOverTCP() async throws {
        try await Self.withClient { client, server, delegate in
            #expect(await eventually { Self.isConnected(delegate) })
            await #expect(throws: AMIClientError.timeout(action: "Stall")) {
                try await client.send(AMIAction("Stall"), timeout: .milliseconds(100))
            }
            let pong = try await client.send(AMIAction("Ping"))
            #expect(pong["Ping"] == "Pong")
        }
    }

    /// Should fail pending actions and reconnect when the server drops the connection.
    @Test func reconnectsAfterDrop() async throws {
        try await Self.withClient { client, server, delegate in
            #expect(await eventually { Self.isConnected(delegate) })
            let stalled: EventLoopFuture<AMIResponse> = client.send(AMIAction("Stall"), timeout: .seconds(30))
            server.dropAll()
            await #expect(throws: AMIClientError.connectionClosed) { try await stalled.get() }
            #expect(await eventually { server.connections == 2 && Self.isConnected(delegate) })
            #expect(delegate.states.contains(.disconnected(.connectionClosed, retryIn: .milliseconds(100))))
            let pong = try await client.send(AMIAction("Ping"))
            #expect(pong["Ping"] == "Pong")
        }
    }

    /// Should detect a stalled server through the keepalive and reconnect once it answers.
    @Test func keepaliveDetectsStall() async throws {
        let switches = Switches()
        try await Self.withClient(switches: switches, keepalive: true) { client, server, delegate in
            #expect(await eventually { Self.isConnected(delegate) })
            switches.stalled.withLock { $0 = true }
            #expect(
                await eventually {
                    delegate.states.contains {
                        if case .disconnected(.keepaliveTimeout, _) = $0 { true } else { false }
                    }
                })
            switches.stalled.withLock { $0 = false }
            #expect(await eventually { Self.isConnected(delegate) && server.connections >= 2 })
        }
    }

    /// Should send Logoff at shutdown and report shutdown.
    @Test func shutdownLogsOff() async throws {
        try await Self.withClient { client, server, delegate in
            #expect(await eventually { Self.isConnected(delegate) })
            await client.shutdown()
            #expect(server.received.last?.actionName == "Logoff")
            #expect(delegate.states.last == .shutdown)
            await #expect(throws: AMIClientError.shutdown) { try await client.send(AMIAction("Ping")) }
        }
    }
}
