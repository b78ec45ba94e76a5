import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The optional operations endpoint: `GET /metrics` (Prometheus text) and `GET /healthz`.
///
/// Off unless `http.listen` is set, and bound only to that address (loopback unless the
/// operator wrote another host). Each response closes its connection, so shutdown never waits
/// on idle keep-alive clients. As a ServiceLifecycle `Service`, `run()` serves until graceful
/// shutdown or ``close()``.
final class MetricsHTTPServer: Service, Sendable {
    /// Answers whether AMI and the broker are connected; called once per `/healthz` request.
    typealias HealthCheck = @Sendable () async -> HealthStatus

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let serverChannel: NIOAsyncChannel<Connection, Never>
    private let registry: PrometheusCollectorRegistry
    private let health: HealthCheck
    private let logger: Logger

    /// The address actually bound (useful with port 0).
    let localAddress: SocketAddress?

    private init(
        serverChannel: NIOAsyncChannel<Connection, Never>,
        registry: PrometheusCollectorRegistry,
        health: @escaping HealthCheck,
        logger: Logger
    ) {
        self.serverChannel = serverChannel
        self.registry = registry
        self.health = health
        self.logger = logger
        self.localAddress = serverChannel.channel.localAddress
    }

    /// Binds the listening socket; call ``run()`` to serve.
    /// - Parameters:
    ///   - address: `http.listen`; port 0 picks a free port (see ``localAddress``).
    ///   - registry: The registry `MetricsSystem` was bootstrapped with.
    ///   - health: Reports the links' state for `/healthz`.
    ///   - group: Event loops for the sockets.
    /// - Throws: The bind error (address in use, not local, …).
    static func bind(
        address: ListenAddress,
        registry: PrometheusCollectorRegistry,
        health: @escaping HealthCheck,
        logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MetricsHTTPServer {
        let serverChannel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        let server = MetricsHTTPServer(serverChannel: serverChannel, registry: registry, health: health, logger: logger)
        logger.info(
            "http endpoint listening",
            metadata: [DaemonLogKey.httpAddress: "\(server.localAddress.map { "\($0)" } ?? "?")"]
        )
        return server
    }

    /// Serves connections until graceful shutdown or ``close()``.
    func run() async throws {
        try await withGracefulShutdownHandler {
            try await self.serverChannel.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in inbound {
                        group.addTask {
                            await self.serve(connection)
                        }
                    }
                    // The listener is closed: stop connections that never sent a request.
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            self.close()
        }
        self.logger.debug("http endpoint closed")
    }

    /// Stops accepting connections; ``run()`` returns once in-flight requests are answered.
    func close() {
        self.serverChannel.channel.close(promise: nil)
    }

    // MARK: Connections

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                    case .body:
                        continue
                    case .end:
                        guard let head else {
                            return
                        }
                        let response = await self.response(method: head.method, uri: head.uri)
                        try await Self.write(
                            response,
                            version: head.version,
                            includeBody: head.method != .HEAD,
                            to: outbound
                        )
                        return
                    }
                }
            }
        } catch {
            self.logger.debug("http connection failed", metadata: [DaemonLogKey.error: "\(error)"])
        }
    }

    private static func write(
        _ response: HTTPResponse,
        version: HTTPVersion,
        includeBody: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: "close")
        try await outbound.write(.head(HTTPResponseHead(version: version, status: response.status, headers: headers)))
        if includeBody {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }

    // MARK: Routing

    /// The response to `method uri`; the whole routing table of the endpoint.
    func response(method: HTTPMethod, uri: String) async -> HTTPResponse {
        let path =
            uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        guard path == "/metrics" || path == "/healthz" else {
            return .text(.notFound, "not found\n")
        }
        guard method == .GET || method == .HEAD else {
            return .text(.methodNotAllowed, "only GET\n")
        }
        if path == "/metrics" {
            return HTTPResponse(
                status: .ok,
                contentType: "text/plain; version=0.0.4; charset=utf-8",
                body: self.registry.emitToBuffer()
            )
        }
        let status = await self.health()
        if status.isHealthy {
            return .text(.ok, "ok\n")
        }
        return .text(.serviceUnavailable, "down: \(status.downLinks.joined(separator: ", "))\n")
    }
}
