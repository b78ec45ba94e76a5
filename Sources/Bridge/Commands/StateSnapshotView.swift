import CallCenter

/// The `state/get` answer: every current retained state topic with its payload, as a
/// subscriber to the bridge's state would hold it. For brokers that do not deliver retained
/// messages to wildcard subscriptions (RabbitMQ), this is how a client gets the whole state.
///
/// Bounded: one reply carries at most ``maxBytes`` of topics and payloads, in topic order; the
/// rest is fetched with `after` set to the reply's `next` (a cursor, so that no reply grows
/// with the call center and none overruns a broker's packet limit).
enum StateSnapshotView {
    /// The most topic and payload bytes (UTF-8, summed) one reply carries: 1 MiB, some
    /// thousands of topics. Documented in docs/mqtt-api.md.
    static let maxBytes = 1_048_576

    static func data(
        of model: CallCenterState, layout: TopicLayout, filter: TopicFilter?, after: String?,
        maxBytes: Int = Self.maxBytes
    ) -> JSONValue {
        var entries: [(topic: String, payload: [UInt8])] = []
        for (key, value) in model.view {
            guard let topic = try? layout.topic(for: key) else { continue }
            if let filter, !filter.matches(topic) { continue }
            if let after, !Self.isOrdered(after, before: topic) { continue }
            entries.append((topic, PayloadEncoder.encode(value)))
        }
        entries.sort { Self.isOrdered($0.topic, before: $1.topic) }
        var topics: [String: JSONValue] = [:]
        var bytes = 0
        var last: String?
        var next: String?
        for entry in entries {
            let size = entry.topic.utf8.count + entry.payload.count
            // At least one topic per reply, so a cursor always moves on.
            if last != nil, bytes + size > maxBytes {
                next = last
                break
            }
            topics[entry.topic] = .encoded(entry.payload)
            bytes += size
            last = entry.topic
        }
        var data: [String: JSONValue] = [
            "count": .number(Double(topics.count)), "more": .bool(next != nil), "topics": .object(topics),
        ]
        if let next { data["next"] = .string(next) }
        return .object(data)
    }

    /// Topic order: by UTF-8 bytes, the same on every platform and in every client language.
    static func isOrdered(_ left: String, before right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }
}
