import Metrics
import Prometheus

/// Installs the Prometheus backend for swift-metrics; called once by the command that runs.
enum MetricsBootstrap {
    /// Bootstraps `MetricsSystem` with a factory writing into `registry`.
    ///
    /// The daemon serves the same registry on `/metrics` (``MetricsHTTPServer``); by default both
    /// use `PrometheusMetricsFactory.defaultRegistry`, so they need not pass it around.
    static func bootstrap(registry: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry) {
        MetricsSystem.bootstrap(Self.makeFactory(registry: registry))
    }

    /// A factory with histogram buckets suited to pbx2mqtt's timers.
    ///
    /// The reducer runs in microseconds, far below Prometheus' default first bucket of 5 ms,
    /// so it gets its own scale; command round trips keep the default 5 ms…10 s buckets.
    static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[MetricName.reducerDuration] = [
            .microseconds(1), .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50),
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(5),
            .milliseconds(25),
        ]
        return factory
    }
}
