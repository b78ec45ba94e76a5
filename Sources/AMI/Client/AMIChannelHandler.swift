import NIOCore

/// The thin NIO end of the client: forwards what happens on one channel to the client's
/// core, tagged with the connection number so that callbacks from an old channel (late
/// frames after a close) are recognised and ignored.
final class AMIChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AMIFrame

    private let connection: Int
    private let core: NIOLoopBoundBox<AMIClientCore>

    init(connection: Int, core: NIOLoopBoundBox<AMIClientCore>) {
        self.connection = connection
        self.core = core
    }

    func channelActive(context: ChannelHandlerContext) {
        self.core.value.channelActive(self.connection, channel: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.core.value.frameReceived(self.connection, self.unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.core.value.channelError(self.connection, error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.core.value.channelInactive(self.connection)
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension AMIChannelHandler: Sendable {}
