import Foundation

/// Two private RabbitMQ nodes (``RabbitMQBroker``) clustered on loopback, owned by one test: a
/// client of either node reaches the subscribers of both, as on a production cluster behind a
/// load balancer.
///
/// Both nodes start at once (each takes 10–20 s) with the same Erlang cookie; then the second
/// joins the first (`stop_app`, `join_cluster`, `start_app`, as RabbitMQ's clustering guide
/// says) and its MQTT listener comes back. `stop()` (also `deinit`) kills both and removes their
/// folders, also when starting fails half-way.
public final class RabbitMQCluster: Sendable {
    /// The node the cluster was formed on (the one the bridge connects to in the tests).
    public let first: RabbitMQBroker
    /// The node that joined it.
    public let second: RabbitMQBroker

    private init(first: RabbitMQBroker, second: RabbitMQBroker) {
        self.first = first
        self.second = second
    }

    deinit {
        self.stop()
    }

    /// Starts both nodes and returns once the second has joined the first, `cluster_status`
    /// shows both running, and both MQTT ports accept connections.
    public static func start(timeout: Double = 90) async throws -> RabbitMQCluster {
        let cookie = String((0..<20).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ".randomElement() ?? "A" })
        // If one fails, the other is dropped with the task and its deinit stops it.
        async let starting = RabbitMQBroker.start(timeout: timeout, cookie: cookie)
        async let joining = RabbitMQBroker.start(timeout: timeout, cookie: cookie)
        let cluster = try await RabbitMQCluster(first: starting, second: joining)
        try await cluster.join(timeout: timeout)
        return cluster
    }

    /// Joins ``second`` to ``first`` and waits until the cluster is whole.
    private func join(timeout: Double) async throws {
        for step in [["stop_app"], ["join_cluster", self.first.nodeName], ["start_app"]] {
            var (status, output) = try await self.second.ctlOutput(step)
            // Starting the app again can time out on a loaded machine; it is safe to repeat.
            var retries = step == ["start_app"] ? 2 : 0
            while status != 0, retries > 0 {
                retries -= 1
                try await Task.sleep(for: .seconds(1))
                (status, output) = try await self.second.ctlOutput(step)
            }
            guard status == 0 else {
                throw RabbitMQBrokerError.joinFailed(
                    node: self.second.nodeName, step: step.joined(separator: " "), output: String(output.suffix(2_000)))
            }
        }
        let nodes = [self.first.nodeName, self.second.nodeName]
        var status = ""
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await self.second.ctl(["await_startup"]) == 0, MosquittoBroker.accepts(port: self.second.port) {
                let answer = try await self.first.ctlOutput(["cluster_status", "--formatter", "json"])
                status = answer.output
                if answer.status == 0, Set(Self.runningNodes(in: answer.output)).isSuperset(of: nodes) {
                    return
                }
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw RabbitMQBrokerError.notClustered(nodes: nodes, status: String(status.suffix(2_000)))
    }

    /// `running_nodes` of `rabbitmqctl cluster_status --formatter json`.
    static func runningNodes(in status: String) -> [String] {
        // The JSON object is the last line; warnings may come before it.
        let line = status.split(whereSeparator: \.isNewline).last { $0.hasPrefix("{") } ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        return object?["running_nodes"] as? [String] ?? []
    }

    /// Kills both nodes and removes their folders.
    public func stop() {
        self.first.stop()
        self.second.stop()
    }
}
