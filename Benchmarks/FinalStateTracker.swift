import MQTT
import Synchronization

/// What a subscriber holds per topic during a state flood: the last payload, when it arrived,
/// and whether any value came after a newer one.
///
/// Values are ordered by their `"since":"…"` text (ISO 8601 from the bridge, a zero-padded
/// counter from the baseline: both compare as bytes), so "never an older value after a newer
/// one" is checked on every message, not only at the end.
final class FinalStateTracker: Sendable {
    struct Entry: Sendable {
        var payload: [UInt8]
        var since: [UInt8]
        var at: UInt64
    }

    private struct State: Sendable {
        var entries: [String: Entry] = [:]
        var messages = 0
        var regressions = 0
        var last: UInt64 = 0
    }

    private static let sinceMarker = Array("\"since\":\"".utf8)
    private let state = Mutex(State())

    /// Messages since the last `reset`.
    var messages: Int { self.state.withLock { $0.messages } }
    /// Messages whose `since` was older than the topic's previous one.
    var regressions: Int { self.state.withLock { $0.regressions } }
    /// Monotonic time of the latest message.
    var latest: UInt64 { self.state.withLock { $0.last } }

    func record(_ message: MQTTMessage, at now: UInt64) {
        let since = Self.since(in: message.payload)
        self.state.withLock { state in
            state.messages += 1
            state.last = now
            if let previous = state.entries[message.topic], since.lexicographicallyPrecedes(previous.since) {
                state.regressions += 1
            }
            state.entries[message.topic] = Entry(payload: message.payload, since: since, at: now)
        }
    }

    /// Forgets the counts (the entries stay: they are what the subscriber holds).
    func reset() {
        self.state.withLock { state in
            state.messages = 0
            state.regressions = 0
            state.last = 0
        }
    }

    /// How many of `expected` topics hold a payload containing their expected fragment.
    func holding(_ expected: [String: [UInt8]]) -> Int {
        self.state.withLock { state in
            expected.reduce(0) { count, pair in
                guard let entry = state.entries[pair.key] else { return count }
                return Self.contains(entry.payload, pair.value) ? count + 1 : count
            }
        }
    }

    /// The latest arrival among `topics`: when the subscriber came to hold all of them as they are now.
    func lastArrival(of topics: some Sequence<String>) -> UInt64 {
        self.state.withLock { state in
            topics.reduce(0) { latest, topic in max(latest, state.entries[topic]?.at ?? 0) }
        }
    }

    static func since(in payload: [UInt8]) -> [UInt8] {
        guard let start = self.find(self.sinceMarker, in: payload) else { return [] }
        let from = start + self.sinceMarker.count
        var end = from
        while end < payload.count, payload[end] != UInt8(ascii: "\"") { end += 1 }
        return Array(payload[from..<end])
    }

    static func contains(_ payload: [UInt8], _ fragment: [UInt8]) -> Bool {
        self.find(fragment, in: payload) != nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            var matched = true
            for offset in 1..<needle.count where haystack[start + offset] != needle[offset] {
                matched = false
                break
            }
            if matched { return start }
        }
        return nil
    }
}
