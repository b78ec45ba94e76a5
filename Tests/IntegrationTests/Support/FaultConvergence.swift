import AMISimulator
import Bridge
import Foundation
import LocalMosquitto
import Logging
import MQTT
import NIOCore
import Synchronization

/// The fault suite's one yardstick: what an independent subscriber holds under the prefix,
/// compared with the model's truth, and how long it took to get there after a fault ended.
///
/// Truth is a fresh bridge's full publication: a new in-process bridge, on a broker of its own,
/// syncs from the same simulator once the simulator is quiet (no calls). It maps state to topics
/// and payloads with the bridge's own code, so a test never hard-codes what the topics should be.
/// Payloads are compared without two fields that differ between two bridges watching the same
/// PBX by contract (docs/mqtt-api.md): `since`, when a bridge saw a value change, and a queue's
/// `serviceLevel` (kept live from the calls a bridge saw, so one that missed calls during a
/// fault holds Asterisk's value of its last sync until the next call). Every other field, and
/// the set of topics (nothing stale, nothing missing), must be equal.
enum FaultConvergence {
    /// One fault's outcome, for the printed table.
    struct Outcome: Sendable, CustomStringConvertible {
        var fault: String
        var converged: Bool
        /// From the end of the fault (the PBX, broker or bridge back) until the subscriber's view
        /// last changed before it equalled the truth: what a dashboard waits.
        var seconds: Double
        /// Differences left when it did not converge.
        var difference: String

        var description: String {
            let result = self.converged ? "converged" : "NOT converged"
            return "FAULT \(self.fault): \(result) in \(String(format: "%.3f", self.seconds)) s"
                + (self.converged ? "" : "\n\(self.difference)")
        }
    }

    // MARK: Views

    /// The fields left out of comparisons (see the type's comment).
    static let bridgeDependentFields = ["since", "serviceLevel"]

    /// `payload` without ``bridgeDependentFields``, keys sorted; a payload that is not a JSON
    /// object stays as it is.
    static func normalized(_ payload: String) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else {
            return payload
        }
        for field in Self.bridgeDependentFields {
            object[field] = nil
        }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else {
            return payload
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A subscriber for ``view(of:)``: it keeps the retain flag of live messages (MQTT 5's
    /// retain-as-published), which tells retained state and its clears from one-off events.
    static func recorder(port: Int, username: String? = nil, password: String? = nil) throws -> TopicRecorder {
        try TopicRecorder(port: port, username: username, password: password, retainAsPublished: true)
    }

    /// The retained state `recorder` (made by ``recorder(port:username:password:)``) holds on its
    /// latest connection (what the broker sent it since it last subscribed), normalized:
    /// topic → payload, cleared topics left out. Only retained messages count: events,
    /// commands and replies are not state.
    static func view(of recorder: TopicRecorder) -> [String: String] {
        var view: [String: String] = [:]
        let messages = recorder.allMessages
        let session = recorder.connects
        for (topic, received) in messages where Self.isState(topic) {
            guard let last = received.last(where: { $0.session == session && $0.retained }), !last.payload.isEmpty
            else { continue }
            view[topic] = Self.normalized(last.payload)
        }
        return view
    }

    /// When `recorder`'s view (as ``view(of:)`` builds it) last changed.
    static func lastChange(of recorder: TopicRecorder) -> ContinuousClock.Instant? {
        let messages = recorder.allMessages
        let session = recorder.connects
        var last: ContinuousClock.Instant?
        for (topic, received) in messages where Self.isState(topic) {
            var previous: String?
            for message in received where message.session == session && message.retained {
                let value = message.payload.isEmpty ? nil : Self.normalized(message.payload)
                if value != previous, last.map({ message.arrival > $0 }) ?? true {
                    last = message.arrival
                }
                previous = value
            }
        }
        return last
    }

    /// The differences between a view and the truth, one line per topic, for a failure message.
    static func difference(_ view: [String: String], truth: [String: String]) -> String {
        var lines: [String] = []
        for topic in Set(view.keys).union(truth.keys).sorted() {
            switch (view[topic], truth[topic]) {
            case (let seen?, nil): lines.append("stale   \(topic) = \(seen)")
            case (nil, let wanted?): lines.append("missing \(topic) = \(wanted)")
            case (let seen?, let wanted?) where seen != wanted:
                lines.append("differs \(topic) = \(seen)\n        truth = \(wanted)")
            default: break
            }
        }
        return lines.isEmpty ? "no difference" : lines.joined(separator: "\n")
    }

    /// Every place where a topic got an older value after a newer one, judged by the payloads'
    /// `since` (the time the bridge saw the value; equal is fine: a broker resends what it
    /// holds). Topics without `since` (names, counts, stats, the Last Will) carry no age to
    /// compare; their final value is checked against the truth instead.
    static func regressions(in recorder: TopicRecorder) -> [String] {
        var found: [String] = []
        for (topic, received) in recorder.allMessages where Self.isState(topic) {
            var newest: String?
            for message in received where message.retained {
                guard let since = Self.since(message.payload) else { continue }
                if let newest, since < newest {
                    found.append("\(topic): since \(since) arrived after \(newest)")
                }
                newest = max(newest ?? since, since)
            }
        }
        return found.sorted()
    }

    /// What arrived on `topic`, each with its arrival relative to `origin`: the story behind a
    /// slow convergence, for the test output.
    static func timeline(of recorder: TopicRecorder, _ topic: String, from origin: ContinuousClock.Instant) -> String {
        recorder.messages(on: topic).map {
            String(format: "%+.3f s ", Self.seconds($0.arrival - origin)) + $0.payload
        }.joined(separator: "\n")
    }

    private static func since(_ payload: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any] else {
            return nil
        }
        return object["since"] as? String
    }

    private static func isState(_ topic: String) -> Bool {
        !topic.hasPrefix("pbx/cmd/") && !topic.hasPrefix("pbx/reply/")
    }

    // MARK: Truth

    /// Stops the simulator's traffic and waits until no call is left, so that the truth holds
    /// still while the views are compared.
    static func quiesce(_ simulator: AMISimulator, timeout: Double = 30) async -> Bool {
        await simulator.stopTraffic()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await simulator.activeCallCount() == 0 { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await simulator.activeCallCount() == 0
    }

    /// A fresh bridge's full publication of `amiPort`'s state, normalized: the truth.
    ///
    /// The bridge runs on a broker of its own and is stopped before this returns. Its
    /// publication is complete once it has synced, reaches its broker and nothing new arrived
    /// for a second.
    static func truth(amiPort: Int, amiSecret: String = BridgeHarness.secret) async throws -> [String: String] {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let (bridge, _) = try BridgeHarness.makeParts(
            amiPort: amiPort, mqttPort: broker.port, amiSecret: amiSecret,
            logger: Logger(label: "truth", factory: { _ in SwiftLogNoOpLogHandler() }))
        let ready = Atomic<Bool>(false)
        bridge.observeStatus { status in
            if status.isReady { ready.store(true, ordering: .relaxed) }
        }
        try await bridge.start().get()
        let recorder = try Self.recorder(port: broker.port)
        defer { recorder.stop() }
        let deadline = Date().addingTimeInterval(30)
        var stableSince = Date()
        var last: [String: String] = [:]
        while Date() < deadline {
            let view = Self.view(of: recorder)
            if view != last {
                last = view
                stableSince = Date()
            } else if ready.load(ordering: .relaxed), view["pbx/bridge/ami"]?.contains(#""state":"connected""#) == true,
                Date().timeIntervalSince(stableSince) >= 1
            {
                _ = try? await bridge.shutdown().get()
                return view
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = try? await bridge.shutdown().get()
        throw FaultConvergenceError.noTruth(ready: ready.load(ordering: .relaxed), topics: last.count)
    }

    // MARK: Convergence

    /// Waits (up to `timeout`, generous: a loaded machine must not make this flaky) until
    /// `recorder`'s view equals `truth`, then confirms it with a fresh subscriber that connects
    /// only now and sees just what the broker retains. The time reported runs from `faultEnded`
    /// to the last change of `recorder`'s view.
    static func converge(
        _ fault: String, recorder: TopicRecorder, truth: [String: String], faultEnded: ContinuousClock.Instant,
        broker: MosquittoBroker, timeout: Double = 30
    ) async throws -> Outcome {
        let deadline = Date().addingTimeInterval(timeout)
        var converged = false
        while Date() < deadline {
            if Self.view(of: recorder) == truth {
                converged = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = converged ? Self.lastChange(of: recorder).map { Self.seconds($0 - faultEnded) } ?? 0 : timeout
        var difference = Self.difference(Self.view(of: recorder), truth: truth)
        if converged {
            let fresh = try Self.recorder(port: broker.port, username: broker.username, password: broker.password)
            defer { fresh.stop() }
            let freshDeadline = Date().addingTimeInterval(10)
            while Date() < freshDeadline, Self.view(of: fresh) != truth {
                try await Task.sleep(for: .milliseconds(20))
            }
            if Self.view(of: fresh) != truth {
                converged = false
                difference = "a fresh subscriber sees:\n" + Self.difference(Self.view(of: fresh), truth: truth)
            }
        }
        let outcome = Outcome(fault: fault, converged: converged, seconds: max(0, seconds), difference: difference)
        Self.report(outcome)
        return outcome
    }

    /// Prints the outcome and, when `PBX2MQTT_FAULT_TIMES` names a file, appends a
    /// tab-separated line to it (how docs/faults.md's table was filled).
    static func report(_ outcome: Outcome) {
        print(outcome)
        guard let path = ProcessInfo.processInfo.environment["PBX2MQTT_FAULT_TIMES"] else { return }
        let line =
            "\(outcome.fault)\t\(outcome.converged ? "converged" : "not converged")\t"
            + String(format: "%.3f", outcome.seconds) + "\n"
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            try? line.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Waits until `condition` holds, polling every 20 ms; false when `timeout` passed first.
    static func poll(timeout: Double = 30, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }
}

enum FaultConvergenceError: Error, CustomStringConvertible {
    case noTruth(ready: Bool, topics: Int)

    var description: String {
        switch self {
        case .noTruth(let ready, let topics):
            "the reference bridge did not publish a settled state within 30 s (ready: \(ready), \(topics) topics)"
        }
    }
}
