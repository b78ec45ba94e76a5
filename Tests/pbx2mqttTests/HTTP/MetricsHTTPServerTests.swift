import Bridge
import Foundation
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import PBX2MQTTApp

@Suite struct MetricsHTTPServerTests {
    /// Health switched by the test while the server runs.
    final class HealthSwitch: Sendable {
        let status = Mutex(HealthStatus(amiConnected: false, brokerConnected: false))

        func set(ami: Bool, broker: Bool) {
            self.status.withLock { $0 = HealthStatus(amiConnected: ami, brokerConnected: broker) }
        }

        func current() -> HealthStatus {
            self.status.withLock { $0 }
        }
    }

    /// Starts a server on a free loopback port, runs `body` with its port, then closes it.
    static func withServer(
        registry: PrometheusCollectorRegistry,
        health: HealthSwitch,
        _ body: (Int) async throws -> Void
    ) async throws {
        let server = try await MetricsHTTPServer.bind(
            address: ListenAddress(host: "127.0.0.1", port: 0),
            registry: registry,
            health: { health.current() },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await server.serving(body)
    }

    /// Checks every line is a Prometheus text-format comment or `name{labels} value` sample.
    static func isPrometheusText(_ text: String) -> Bool {
        let sample =
            /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (?:[-+0-9.eE]+|[-+]?Inf|NaN)$/
        let comment = /^# (TYPE|HELP) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/
        return text.split(separator: "\n").allSatisfy { line in
            (try? sample.wholeMatch(in: String(line))) != nil || (try? comment.wholeMatch(in: String(line))) != nil
        }
    }

    /// Should serve Prometheus text on /metrics in which a recorded counter moves.
    @Test func metricsServesPrometheusTextAndCounterMoves() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = MetricsBootstrap.makeFactory(registry: registry)
        let events = Counter(
            label: MetricName.amiEvents,
            dimensions: [(MetricName.Label.event, "Newchannel")],
            factory: factory
        )
        let connected = Gauge(label: MetricName.amiConnected, factory: factory)
        let reducer = Metrics.Timer(label: MetricName.reducerDuration, factory: factory)
        events.increment()
        connected.record(1)
        reducer.recordNanoseconds(3_000)
        try await Self.withServer(registry: registry, health: HealthSwitch()) { port in
            let first = try await RawHTTPClient.get("/metrics", port: port)
            #expect(first.status == 200)
            #expect(first.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(Self.isPrometheusText(first.body), "\(first.body)")
            #expect(first.body.contains("pbx2mqtt_ami_events_total{event=\"Newchannel\"} 1\n"))
            #expect(first.body.contains("pbx2mqtt_ami_connected 1"))
            #expect(first.body.contains("pbx2mqtt_reducer_duration_seconds_bucket{le=\"0.000005\"} 1"))
            events.increment(by: 4)
            let second = try await RawHTTPClient.get("/metrics?x=1", port: port)
            #expect(second.body.contains("pbx2mqtt_ami_events_total{event=\"Newchannel\"} 5\n"))
        }
    }

    /// Should answer /healthz 200 only while AMI and the broker are both connected.
    @Test func healthzFollowsTheHealthClosure() async throws {
        let health = HealthSwitch()
        try await Self.withServer(registry: PrometheusCollectorRegistry(), health: health) { port in
            let bothDown = try await RawHTTPClient.get("/healthz", port: port)
            #expect(bothDown.status == 503)
            #expect(bothDown.body == "down: ami, broker\n")
            health.set(ami: true, broker: false)
            let brokerDown = try await RawHTTPClient.get("/healthz", port: port)
            #expect(brokerDown.status == 503)
            #expect(brokerDown.body == "down: broker\n")
            health.set(ami: true, broker: true)
            let healthy = try await RawHTTPClient.get("/healthz", port: port)
            #expect(healthy.status == 200)
            #expect(healthy.body == "ok\n")
            health.set(ami: false, broker: true)
            let amiDown = try await RawHTTPClient.get("/healthz", port: port)
            #expect(amiDown.status == 503)
            #expect(amiDown.body == "down: ami\n")
        }
    }

    /// Should answer 404 for other paths and 405 for other methods, without a body on HEAD.
    @Test func otherRequestsAreRefused() async throws {
        try await Self.withServer(registry: PrometheusCollectorRegistry(), health: HealthSwitch()) { port in
            #expect(try await RawHTTPClient.get("/", port: port).status == 404)
            #expect(try await RawHTTPClient.get("/metrics/extra", port: port).status == 404)
            #expect(try await RawHTTPClient.get("/metrics", port: port, method: "POST").status == 405)
            let head = try await RawHTTPClient.get("/healthz", port: port, method: "HEAD")
            #expect(head.status == 503)
            #expect(head.body.isEmpty)
        }
    }

    /// Should return from run() when the service group shuts down gracefully.
    @Test func gracefulShutdownEndsRun() async throws {
        let server = try await MetricsHTTPServer.bind(
            address: ListenAddress(host: "127.0.0.1", port: 0),
            registry: PrometheusCollectorRegistry(),
            health: { HealthStatus(amiConnected: true, brokerConnected: true) },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let port = try #require(server.localAddress?.port)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let response = try await RawHTTPClient.get("/healthz", port: port)
                #expect(response.status == 200)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        await #expect(throws: (any Error).self) {
            _ = try await RawHTTPClient.get("/healthz", port: port)
        }
    }

    /// Should stop accepting connections once closed.
    @Test func closeStopsTheListener() async throws {
        var boundPort = 0
        try await Self.withServer(registry: PrometheusCollectorRegistry(), health: HealthSwitch()) { port in
            boundPort = port
            let response = try await RawHTTPClient.get("/healthz", port: port)
            #expect(response.status == 503)
        }
        await #expect(throws: (any Error).self) {
            _ = try await RawHTTPClient.get("/healthz", port: boundPort)
        }
    }
}
