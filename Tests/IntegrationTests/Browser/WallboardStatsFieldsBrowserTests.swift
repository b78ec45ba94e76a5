import Foundation
import LocalMosquitto
import PBXTestSupport
import Testing

/// The wallboard against retained state published by hand (no bridge): the newer stats fields
/// (`oldestWaitingSince`, `membersByStatus`, `serviceLevelSeconds`) when present, the older
/// payload without them, clears, and the bridge's Last Will. The page is opened from the
/// file system, as any static copy of web/ would be, with the broker in its address.
@Suite(.serialized) struct WallboardStatsFieldsBrowserTests {
    static let page = Fixtures.repositoryRoot.appendingPathComponent("web/index.html")

    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// Seconds of a `"m:ss"` (JSON string) cell.
    static func seconds(_ json: String) -> Int? {
        let parts = json.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: ":")
        guard parts.count == 2, let minutes = Int(parts[0]), let seconds = Int(parts[1]) else { return nil }
        return minutes * 60 + seconds
    }

    static func cell(_ table: String, _ key: String, _ id: String, _ column: String) -> String {
        "document.querySelector('#\(table) tr[data-\(key)=\"\(id)\"] .\(column)')?.textContent"
    }

    /// Should tick the wait from `oldestWaitingSince`, count busy members from `membersByStatus`,
    /// show the threshold, fall back for a payload without them, drop cleared rows, and make a
    /// bridge that went away obvious.
    @Test func wallboardReadsNewAndOldStatsPayloads() async throws {
        let broker = try await MosquittoBroker.start(websockets: true)
        let client = try await TestMQTTClient.connect(broker: broker, subscriptions: [])
        let browser = try HeadlessBrowser.start()
        defer { broker.stop() }
        do {
            let joined = Date().addingTimeInterval(-125)
            let retained: [(String, String)] = [
                ("pbx/bridge/state", #"{"state":"online","version":"0.1.0","since":"2026-11-30T03:51:16.182Z"}"#),
                ("pbx/queue/sales/count", #"{"queue":"sales","count":2}"#),
                (
                    "pbx/queue/sales/stats",
                    #"{"queue":"sales","waiting":2,"longestWaitSeconds":1,"members":4,"available":1,"paused":1,"#
                        + #""completed":7,"abandoned":1,"holdTime":3,"talkTime":40,"serviceLevel":87.5,"#
                        + #""oldestWaitingSince":"\#(Self.stamp(joined))","#
                        + #""membersByStatus":{"not_inuse":1,"inuse":1,"ringing":1,"paused":1},"#
                        + #""serviceLevelSeconds":20,"serviceLevelWithAbandoned":77.8}"#
                ),
                ("pbx/queue/old/count", #"{"queue":"old","count":0}"#),
                (
                    "pbx/queue/old/stats",
                    #"{"queue":"old","waiting":0,"longestWaitSeconds":0,"members":3,"available":1,"paused":1,"#
                        + #""completed":2,"abandoned":0,"holdTime":0,"talkTime":0,"serviceLevel":50}"#
                ),
                (
                    "pbx/agent/147/extensionStatus",
                    #"{"agent":"147","status":"not_inuse","since":"2026-11-30T03:51:16.187Z"}"#
                ),
                (
                    "pbx/agent/147/queueMemberStatus/sales",
                    #"{"agent":"147","queue":"sales","status":"paused","paused":true,"pausedReason":"training","#
                        + #""penalty":0,"callsTaken":3,"since":"2026-11-30T03:52:09.076Z"}"#
                ),
                (
                    "pbx/agent/148/extensionStatus",
                    #"{"agent":"148","status":"inuse","since":"2026-11-30T03:51:16.187Z"}"#
                ),
                (
                    "pbx/agent/148/phoneNumber",
                    #"{"agent":"148","number":"5551425","name":"Caller 5551425","queue":"sales","uniqueId":"1.2"}"#
                ),
            ]
            for (topic, json) in retained {
                client.publish(topic, json: json, retain: true)
            }
            let url =
                "\(URL(fileURLWithPath: Self.page.path).absoluteString)?broker=ws://127.0.0.1:\(try #require(broker.websocketsPort))"
            try await browser.navigate(url)
            try await browser.wait(
                until: "\(Self.cell("agents", "agent", "148", "number"))?.startsWith('5551425')")
            // Now minus the join time: at least the 125 s it was at publication, at most what
            // has really passed since (never the 1 s of longestWaitSeconds).
            let wait = try await browser.wait(until: Self.cell("queues", "queue", "sales", "longest"))
            let shown = try #require(Self.seconds(wait), "\(wait)")
            #expect(shown >= 125 && Double(shown) <= Date().timeIntervalSince(joined) + 1, "\(wait)")
            try await browser.wait(
                until: "\(Self.cell("queues", "queue", "sales", "longest")) !== \(wait)", timeout: 10)
            #expect(try await browser.evaluate(Self.cell("queues", "queue", "sales", "busy")) == "\"2\"")
            #expect(try await browser.evaluate(Self.cell("queues", "queue", "sales", "sl")) == "\"87.5% ≤20s\"")
            // Without the newer fields: busy = members - available - paused, no threshold.
            #expect(try await browser.evaluate(Self.cell("queues", "queue", "old", "busy")) == "\"1\"")
            #expect(try await browser.evaluate(Self.cell("queues", "queue", "old", "sl")) == "\"50%\"")
            #expect(try await browser.evaluate(Self.cell("queues", "queue", "old", "longest")) == "\"–\"")
            #expect(try await browser.evaluate(Self.cell("agents", "agent", "147", "reason")) == "\"training\"")
            #expect(
                try await browser.evaluate("document.querySelector('#agents tr[data-agent=\"147\"]').dataset.status")
                    == "\"paused\"")

            // Zero-length clears remove the agent; the Last Will makes the bridge offline.
            client.publish("pbx/agent/148/extensionStatus", payload: [], retain: true)
            client.publish("pbx/agent/148/phoneNumber", payload: [], retain: true)
            try await browser.wait(until: "!document.querySelector('#agents tr[data-agent=\"148\"]')")
            client.publish("pbx/bridge/state", json: #"{"state":"offline"}"#, retain: true)
            try await browser.wait(until: "document.body.dataset.bridge === 'offline'")
            #expect(
                try await browser.evaluate("document.getElementById('bridge').textContent") == "\"BRIDGE OFFLINE\"")
            // The broker itself going away shows on the connection badge.
            broker.kill9()
            try await browser.wait(until: "document.getElementById('connection').dataset.state !== 'connected'")
        } catch {
            await browser.stop()
            client.stop()
            throw error
        }
        await browser.stop()
        client.stop()
    }
}
