import Logging
import NIOCore
import NIOEmbedded
import PBXTestSupport
import Testing

@testable import AMI

/// Runs an `AMIClient` over `EmbeddedChannel`s on an `EmbeddedEventLoop`: the test plays
/// Asterisk byte by byte and moves time by hand, so timeouts, keepalive and backoff are
/// deterministic. Each (re)connect creates a new channel.
final class EmbeddedAMI {
    /// Creates the channels; separate from the harness so the connector can capture it.
    /// Unchecked: like the `EmbeddedEventLoop` it serves, it is only used on the test's thread.
    final class ChannelFactory: @unchecked Sendable {
        let loop: EmbeddedEventLoop
        var channels: [EmbeddedChannel] = []
        var refuseConnections = false
        var connectAttempts = 0

        init(loop: EmbeddedEventLoop) { self.loop = loop }

        func connect(_ initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>) -> EventLoopFuture<
            any Channel
        > {
            self.connectAttempts += 1
            if self.refuseConnections {
                return self.loop.makeFailedFuture(ConnectionRefused())
            }
            let channel = EmbeddedChannel(loop: self.loop)
            initializer(channel).whenFailure { Issue.record("initializer failed: \($0)") }
            self.channels.append(channel)
            channel.connect(to: Self.address, promise: nil)
            return self.loop.makeSucceededFuture(channel)
        }

        static let address: SocketAddress = {
            do {
                return try SocketAddress(ipAddress: "127.0.0.1", port: 5038)
            } catch {
                fatalError("a constant address must parse: \(error)")
            }
        }()
    }

    struct ConnectionRefused: Error, CustomStringConvertible {
        var description: String { "connection refused (test)" }
    }

    let loop: EmbeddedEventLoop
    let factory: ChannelFactory
    let client: AMIClient
    let delegate: RecordingDelegate
    let logs: CapturingLogHandler.Store

    init(configuration: AMIConfiguration, delegate: RecordingDelegate = RecordingDelegate(), jitter: Double = 0) {
        let loop = EmbeddedEventLoop()
        let factory = ChannelFactory(loop: loop)
        let (logger, store) = CapturingLogHandler.logger()
        self.loop = loop
        self.factory = factory
        self.delegate = delegate
        self.logs = store
        self.client = AMIClient(
            configuration: configuration,
            eventLoop: loop,
            logger: logger,
            connector: { _, _, initializer in factory.connect(initializer) },
            jitterSource: { jitter }
        )
    }

    static func configuration(
        authType: AMIConfiguration.AuthType = .plain,
        secret: String = "bridgepw",
        eventMask: String = "on",
        filters: [String] = []
    ) -> AMIConfiguration {
        AMIConfiguration(
            host: "127.0.0.1", port: 5038, username: "bridge", secret: secret,
            authType: authType, eventMask: eventMask, filters: filters
        )
    }

    /// The newest channel.
    var channel: EmbeddedChannel {
        get throws { try #require(self.factory.channels.last) }
    }

    func start() {
        self.client.start(delegate: self.delegate)
    }

    /// Delivers raw bytes from "Asterisk".
    func feed(_ text: String) throws {
        try self.channel.writeInbound(ByteBuffer(string: text))
    }

    /// Delivers packets from "Asterisk".
    func feed(_ messages: AMIMessage...) throws {
        var buffer = ByteBuffer()
        for message in messages {
            try AMIMessageEncoder.write(message, to: &buffer)
        }
        try self.channel.writeInbound(buffer)
    }

    /// Every packet the client wrote since the last call.
    func sent() throws -> [AMIMessage] {
        var bytes: [UInt8] = []
        while let buffer = try self.channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        return try decodeAMIMessages(bytes, expectBanner: false)
    }

    /// The one packet the client wrote since the last call.
    func sentOne() throws -> AMIMessage {
        let sent = try self.sent()
        #expect(sent.count == 1, "expected one packet, got \(sent)")
        return try #require(sent.first)
    }

    /// Banner, plain login accepted: the client is connected.
    func connectPlain() throws {
        self.start()
        try self.feed("Asterisk Call Manager/11.0.0\r\n")
        let login = try self.sentOne()
        try self.feed(
            AMIMessage(["Response": "Success", "ActionID": login.actionID ?? "", "Message": "Authentication accepted"]))
    }

    func advance(_ amount: TimeAmount) {
        self.loop.advanceTime(by: amount)
    }

    /// The result of a future that the embedded loop has already completed.
    static func result<T>(_ future: EventLoopFuture<T>) -> Result<T, any Error>? {
        var result: Result<T, any Error>?
        future.assumeIsolated().whenComplete { result = $0 }
        return result
    }
}

/// Rewrites the `ActionID:` lines of a transcript, so real Asterisk answers can be replayed
/// to the client's own IDs.
func remapActionIDs(_ text: String, _ map: [String: String]) -> String {
    text.split(separator: "\r\n", omittingEmptySubsequences: false).map { line -> String in
        let prefix = "ActionID: "
        guard line.hasPrefix(prefix), let replacement = map[String(line.dropFirst(prefix.count))] else {
            return String(line)
        }
        return prefix + replacement
    }.joined(separator: "\r\n")
}
