import AMISimulator
import Logging
import NIOCore
import NIOPosix
import Testing

@testable import AMI

/// The client against `AMISimulator`, the fake Asterisk 22, over real loopback TCP.
@Suite struct AMIClientSimulatorTests {
    static func configuration(
        port: Int,
        username: String = "bridge",
        secret: String = "bridgepw",
        authType: AMIConfiguration.AuthType = .md5,
        filters: [String] = []
    ) -> AMIConfiguration {
        AMIConfiguration(
            host: "127.0.0.1", port: port, username: username, secret: secret, authType: authType,
            eventMask: "call,agent", filters: filters,
            // Long enough not to fire on a loaded CI machine; the keepalive test shortens it.
            keepaliveInterval: .seconds(60), keepaliveTimeout: .milliseconds(300),
            actionTimeout: .seconds(3), connectTimeout: .seconds(2),
            backoff: .init(initial: .milliseconds(100), factor: 2, maximum: .seconds(1), jitter: 0)
        )
    }

    struct Context {
        var client: AMIClient
        var simulator: AMISimulator
        var delegate: RecordingDelegate
        var logs: CapturingLogHandler.Store

        var isConnected: Bool {
            if case .connected? = self.delegate.states.last { return true }
            return false
        }

        func count(_ predicate: (AMIConnectionState) -> Bool) -> Int {
            self.delegate.states.filter(predicate).count
        }
    }

    /// Runs `body` against a fresh simulator and client, then shuts both down.
    static func withSimulator(
        users: [SimulatorUser] = [.bridge],
        configure: (Int) -> AMIConfiguration = { Self.configuration(port: $0) },
        _ body: (Context) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(users: users),
            eventLoop: group.next(),
            logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() }
        )
        let (logger, logs) = CapturingLogHandler.logger()
        let delegate = RecordingDelegate()
        let client = AMIClient(configuration: configure(simulator.port), eventLoopGroup: group, logger: logger)
        client.start(delegate: delegate)
        let context = Context(client: client, simulator: simulator, delegate: delegate, logs: logs)
        var failure: (any Error)?
        do {
            try await body(context)
        } catch {
            failure = error
        }
        await client.shutdown()
        try await simulator.shutdown()
        try await group.shutdownGracefully()
        if let failure { throw failure }
    }

    /// Should log in with plain and MD5 auth and send the Events mask.
    @Test(arguments: [AMIConfiguration.AuthType.plain, .md5])
    func logsIn(authType: AMIConfiguration.AuthType) async throws {
        try await Self.withSimulator(configure: { Self.configuration(port: $0, authType: authType) }) { context in
            #expect(await eventually { context.isConnected })
            let actions = await context.simulator.receivedActions()
            let names = actions.map { $0.message.actionName ?? "" }
            #expect(names == (authType == .md5 ? ["Challenge", "Login"] : ["Login"]))
            let login = try #require(actions.last?.message)
            #expect(login["Events"] == "call,agent")
            #expect((login["Secret"] != nil) == (authType == .plain))
            #expect((login["Key"] != nil) == (authType == .md5))
            guard case .connected(let info)? = context.delegate.states.last else { return }
            #expect(info.product == "Asterisk")
            #expect(info.amiVersion == "11.0.0")
        }
    }

    /// Should report a wrong secret as loginFailed with Asterisk's message and back off
    /// further on each attempt instead of hammering.
    @Test func badSecretBacksOff() async throws {
        try await Self.withSimulator(configure: { Self.configuration(port: $0, secret: "wrong") }) { context in
            #expect(
                await eventually {
                    context.count { if case .disconnected = $0 { true } else { false } } >= 3
                })
            let retries = context.delegate.states.compactMap { state -> TimeAmount? in
                guard case .disconnected(.loginFailed(message: "Authentication failed"), let retryIn) = state else {
                    return nil
                }
                return retryIn
            }
            #expect(Array(retries.prefix(3)) == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
            let attempts = context.delegate.states.compactMap { state -> Int? in
                if case .connecting(let attempt) = state { return attempt }
                return nil
            }
            #expect(Array(attempts.prefix(3)) == [1, 2, 3])
            #expect(!context.isConnected)
        }
    }

    /// Should collect the simulator's event lists with their announced item counts while
    /// device-state events interleave, and correlate concurrent actions by ActionID.
    @Test func correlatesConcurrentListsWithInterleavedEvents() async throws {
        try await Self.withSimulator { context in
            #expect(await eventually { context.isConnected })
            let client = context.client
            async let queueStatus = client.send(AMIAction("QueueStatus"))
            async let extensions = client.send(AMIAction("ExtensionStateList"))
            async let summary = client.send(AMIAction("QueueSummary"))
            async let ping = client.send(AMIAction("Ping"))
            await context.simulator.setDeviceState("Custom:149", .inUse)
            async let channels = client.send(AMIAction("CoreShowChannels"))
            let lists = try await [queueStatus, extensions, summary, channels]
            for list in lists {
                #expect(list.isList)
                #expect(list.completion?["ListItems"] == "\(list.events.count)", "\(list.action)")
                #expect(list.events.allSatisfy { $0.actionID == list.response.actionID }, "\(list.action)")
            }
            #expect(lists[0].events.filter { $0.eventName == "QueueMember" }.count == 2)
            #expect(lists[1].events.count == 5)
            #expect(lists[2].events.count == 2)
            #expect(try await ping["Ping"] == "Pong")
            #expect(await eventually { context.delegate.eventNames.contains("QueueMemberStatus") })
            #expect(context.delegate.events.allSatisfy { $0.actionID == nil })
        }
    }

    /// Should complete a `Response: Error` with Asterisk's message.
    @Test func errorResponseCarriesMessage() async throws {
        try await Self.withSimulator { context in
            #expect(await eventually { context.isConnected })
            let response = try await context.client.send(
                AMIAction("QueueAdd", ["Queue": "nosuchqueue", "Interface": "Local/147@agents/n"]))
            #expect(response.isError)
            #expect(response.message == "Unable to add interface to queue: No such queue")
        }
    }

    /// Should still connect when Asterisk refuses the filters (no `system` write
    /// permission), logging it once at info.
    @Test func refusedFiltersFallBackToEventsMask() async throws {
        try await Self.withSimulator(
            users: [.limited],
            configure: {
                Self.configuration(
                    port: $0, username: "limited", secret: "limitedpw", filters: ["Event: QueueMemberStatus"])
            }
        ) { context in
            #expect(await eventually { context.isConnected })
            let refusals = context.logs.all.filter { $0.message.hasPrefix("Asterisk refused the event filters") }
            #expect(refusals.map(\.level) == [.info])
        }
    }

    /// Should fail only the action the stalled simulator leaves unanswered.
    @Test func perActionTimeoutWhenSimulatorStalls() async throws {
        try await Self.withSimulator { context in
            #expect(await eventually { context.isConnected })
            await context.simulator.setStalled(true)
            await #expect(throws: AMIClientError.timeout(action: "QueueSummary")) {
                try await context.client.send(AMIAction("QueueSummary"), timeout: .milliseconds(200))
            }
            await context.simulator.setStalled(false)
            // The late QueueSummary list is dropped, not leaked as events; the connection works.
            let pong = try await context.client.send(AMIAction("Ping"))
            #expect(pong["Ping"] == "Pong")
            #expect(!context.delegate.eventNames.contains("QueueSummary"))
            #expect(context.count { if case .disconnected = $0 { true } else { false } } == 0)
        }
    }

    /// Should detect a stalled simulator through the keepalive, then reconnect once it answers.
    @Test func keepaliveDetectsStalledSimulator() async throws {
        try await Self.withSimulator(configure: {
            var configuration = Self.configuration(port: $0)
            configuration.keepaliveInterval = .milliseconds(200)
            return configuration
        }) { context in
            #expect(await eventually { context.isConnected })
            await context.simulator.setStalled(true)
            #expect(
                await eventually {
                    context.count { if case .disconnected(.keepaliveTimeout, _) = $0 { true } else { false } } >= 1
                })
            await context.simulator.setStalled(false)
            #expect(await eventually { context.isConnected })
        }
    }

    /// Should fail pending actions with connectionClosed when the simulator drops the
    /// connection, then reconnect and log in again.
    @Test func reconnectsAfterDrop() async throws {
        try await Self.withSimulator { context in
            #expect(await eventually { context.isConnected })
            await context.simulator.setStalled(true)
            let pending: EventLoopFuture<AMIResponse> = context.client.send(AMIAction("Ping"), timeout: .seconds(30))
            await context.simulator.dropAllConnections()
            await #expect(throws: AMIClientError.connectionClosed) { try await pending.get() }
            await context.simulator.setStalled(false)
            #expect(
                await eventually {
                    context.isConnected && context.count { if case .connected = $0 { true } else { false } } == 2
                })
            #expect(context.delegate.states.contains(.disconnected(.connectionClosed, retryIn: .milliseconds(100))))
            #expect(await context.simulator.connectionCount() == 1)
        }
    }

    /// Should see Asterisk's Shutdown event on a restart, retry while connections are
    /// refused, and log in again once it is back.
    @Test func reconnectsAfterRestart() async throws {
        try await Self.withSimulator(
            users: [.bridge],
            configure: {
                var configuration = Self.configuration(port: $0)
                configuration.eventMask = "system,call,agent"
                return configuration
            }
        ) { context in
            #expect(await eventually { context.isConnected })
            try await context.simulator.restart(graceful: true, downtime: .milliseconds(400))
            #expect(await eventually { context.delegate.eventNames.contains("Shutdown") })
            #expect(
                await eventually {
                    context.isConnected && context.count { if case .connected = $0 { true } else { false } } == 2
                })
            #expect(context.logs.all.contains { $0.message == "Asterisk is shutting down" })
        }
    }
}
