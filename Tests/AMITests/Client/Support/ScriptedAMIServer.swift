import AMI
import NIOCore
import NIOPosix
import Synchronization

/// A tiny AMI server on a loopback ephemeral port that answers each action from a script,
/// so the client's TCP path can be tested without the full simulator.
final class ScriptedAMIServer: Sendable {
    /// What the server does with one received action.
    enum Reply: Sendable {
        /// Write these packets.
        case messages([AMIMessage])
        /// Say nothing (a stalled Asterisk).
        case silence
        /// Close the connection.
        case close
    }

    typealias Script = @Sendable (AMIMessage) -> Reply

    private struct State {
        var received: [AMIMessage] = []
        var children: [any Channel] = []
        var connections = 0
    }

    let port: Int
    private let listener: any Channel
    private let state: Mutex<State>

    private init(listener: any Channel, port: Int) {
        self.listener = listener
        self.port = port
        self.state = Mutex(State())
    }

    /// Every action received, all connections, in order.
    var received: [AMIMessage] { self.state.withLock { $0.received } }
    /// Connections accepted so far.
    var connections: Int { self.state.withLock { $0.connections } }

    static func start(
        group: any EventLoopGroup, banner: String = "Asterisk Call Manager/11.0.0", script: @escaping Script
    ) async throws -> ScriptedAMIServer {
        let box = StateBox()
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                box.accepted(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(AMIMessageDecoder(expectBanner: false)),
                        ScriptHandler(banner: banner, script: script, box: box),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = listener.localAddress?.port ?? 0
        let server = ScriptedAMIServer(listener: listener, port: port)
        box.server.withLock { $0 = server }
        return server
    }

    /// Closes every accepted connection (FIN), keeps listening.
    func dropAll() {
        let children = self.state.withLock { state -> [any Channel] in
            let all = state.children
            state.children.removeAll()
            return all
        }
        for child in children { child.close(promise: nil) }
    }

    func shutdown() async {
        self.dropAll()
        try? await self.listener.close()
    }

    fileprivate func record(_ message: AMIMessage) {
        self.state.withLock { $0.received.append(message) }
    }

    fileprivate func accepted(_ channel: any Channel) {
        self.state.withLock {
            $0.children.append(channel)
            $0.connections += 1
        }
    }

    /// Lets the child initializer reach the server created after bind.
    private final class StateBox: Sendable {
        let server = Mutex<ScriptedAMIServer?>(nil)
        func accepted(_ channel: any Channel) { self.server.withLock { $0 }?.accepted(channel) }
        func record(_ message: AMIMessage) { self.server.withLock { $0 }?.record(message) }
    }

    private final class ScriptHandler: ChannelInboundHandler {
        typealias InboundIn = AMIFrame
        typealias OutboundOut = ByteBuffer

        let banner: String
        let script: Script
        let box: StateBox

        init(banner: String, script: @escaping Script, box: StateBox) {
            self.banner = banner
            self.script = script
            self.box = box
        }

        func channelActive(context: ChannelHandlerContext) {
            context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: self.banner + "\r\n")), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .message(let message) = self.unwrapInboundIn(data) else { return }
            self.box.record(message)
            switch self.script(message) {
            case .messages(let replies):
                var buffer = context.channel.allocator.buffer(capacity: 256)
                for reply in replies {
                    try? AMIMessageEncoder.write(reply, to: &buffer)
                }
                context.writeAndFlush(self.wrapOutboundOut(buffer), promise: nil)
            case .silence:
                break
            case .close:
                context.close(promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
