import AMI
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// A raw manager client for tests: it records every frame and every byte the simulator sends,
/// and lets a test wait until what arrived satisfies a condition.
final class AMITestClient: Sendable {
    struct Received {
        var frames: [AMIFrame] = []
        var bytes = 0
        var raw: [UInt8] = []
        var closed = false
        var error: String?
    }

    enum Failure: Error, CustomStringConvertible {
        case timedOut(String)

        var description: String {
            switch self {
            case .timedOut(let what): "timed out waiting for \(what)"
            }
        }
    }

    /// The shared record, written on the channel's loop, read by the test.
    final class Box: Sendable {
        let state = Mutex(Received())

        func withLockedValue<T>(_ body: (inout Received) -> T) -> T {
            self.state.withLock { body(&$0) }
        }
    }

    let channel: any Channel
    private let box: Box
    private let nextID = Mutex(0)

    private init(channel: any Channel, box: Box) {
        self.channel = channel
        self.box = box
    }

    static func connect(port: Int, keepRaw: Bool = false) async throws -> AMITestClient {
        let box = Box()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteCounter(box: box, keepRaw: keepRaw))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AMIMessageDecoder()))
                    try channel.pipeline.syncOperations.addHandler(FrameCollector(box: box))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return AMITestClient(channel: channel, box: box)
    }

    var received: Received { self.box.withLockedValue { $0 } }

    var messages: [AMIMessage] {
        self.received.frames.compactMap {
            if case .message(let message) = $0 { return message }
            return nil
        }
    }

    var isClosed: Bool { self.received.closed }

    func sendRaw(_ text: String) {
        self.channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
    }

    func send(_ message: AMIMessage) {
        var buffer = ByteBuffer()
        try? AMIMessageEncoder.write(message, to: &buffer)
        self.channel.writeAndFlush(buffer, promise: nil)
    }

    /// Sends an action with a fresh ActionID and waits for its response.
    @discardableResult
    func action(_ name: String, _ fields: KeyValuePairs<String, String> = [:], timeout: Duration = .seconds(30))
        async throws -> AMIMessage
    {
        let id = self.nextID.withLock { value -> String in
            value += 1
            return "t\(value)"
        }
        self.send(AMIAction(name, fields).message(actionID: id))
        return try await self.response(id, timeout: timeout)
    }

    func response(_ actionID: String, timeout: Duration = .seconds(30)) async throws -> AMIMessage {
        let messages = try await self.waitFor("response \(actionID)", timeout: timeout) { messages in
            messages.contains { $0.response != nil && $0.actionID == actionID }
        }
        return messages.first { $0.response != nil && $0.actionID == actionID } ?? AMIMessage()
    }

    @discardableResult
    func login(user: String = "bridge", secret: String = "bridgepw", events: String = "on") async throws -> AMIMessage {
        try await self.action("Login", ["Username": user, "Secret": secret, "Events": events])
    }

    /// Polls until `condition` holds for the messages received so far.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: ([AMIMessage]) -> Bool) async throws
        -> [AMIMessage]
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = self.messages
            if condition(messages) { return messages }
            if ContinuousClock.now > deadline { throw Failure.timedOut(what) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until nothing new has arrived for `quiet`.
    func waitQuiet(_ quiet: Duration = .milliseconds(150), timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = self.received.bytes
        var stableSince = ContinuousClock.now
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            let now = self.received.bytes
            if now != last {
                last = now
                stableSince = ContinuousClock.now
            } else if ContinuousClock.now - stableSince >= quiet {
                return
            }
        }
    }

    /// Waits until everything the simulator sent before now has arrived: it answers in
    /// order, so once a Ping's answer is here, so is every earlier packet.
    func barrier(timeout: Duration = .seconds(60)) async throws {
        try await self.action("Ping", timeout: timeout)
    }

    func waitClosed(timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !self.isClosed {
            if ContinuousClock.now > deadline { throw Failure.timedOut("the connection to close") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func close() async {
        try? await self.channel.close()
    }

    private final class ByteCounter: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let box: Box
        let keepRaw: Bool

        init(box: Box, keepRaw: Bool) {
            self.box = box
            self.keepRaw = keepRaw
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = self.unwrapInboundIn(data)
            let keep = self.keepRaw
            self.box.withLockedValue {
                $0.bytes += buffer.readableBytes
                if keep { $0.raw += buffer.readableBytesView }
            }
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.box.withLockedValue { $0.closed = true }
            context.fireChannelInactive()
        }
    }

    private final class FrameCollector: ChannelInboundHandler {
        typealias InboundIn = AMIFrame
        let box: Box

        init(box: Box) {
            self.box = box
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = self.unwrapInboundIn(data)
            self.box.withLockedValue { $0.frames.append(frame) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.box.withLockedValue { $0.error = "\(error)" }
            context.close(promise: nil)
        }
    }
}
