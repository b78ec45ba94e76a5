import AMI
import NIOCore

/// The thin I/O shell of one manager connection: it forwards frames to the core, which owns
/// every decision. It runs on the core's event loop.
final class AMISessionHandler: ChannelInboundHandler {
    typealias InboundIn = AMIFrame
    typealias OutboundOut = ByteBuffer

    private let core: SimulatorCore
    private var session: SimSession?

    init(core: SimulatorCore) {
        self.core = core
    }

    func channelActive(context: ChannelHandlerContext) {
        self.session = self.core.sessionOpened(channel: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session = self.session else { return }
        switch self.unwrapInboundIn(data) {
        case .message(let message):
            self.core.received(message, from: session)
        case .malformed, .banner:
            break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let session = self.session {
            self.core.writabilityChanged(session)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session = self.session {
            self.core.sessionClosed(session)
        }
        self.session = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension AMISessionHandler: Sendable {}
