import AMI
import AMISimulator
import Bridge
import Foundation
import MQTT
import NIOCore
import PBXTestSupport
import Testing

/// Where replies go and how callers correlate them, with real third-party clients:
/// `mosquitto_rr` and paho (MQTT 5 Response Topic + Correlation Data), `mosquitto_pub`/`sub`
/// under MQTT 3.1.1 (`replyTo` in the body), and the default `{p}/reply/{command}`.
@Suite(.serialized) struct ReplyRoutingTests {
    /// Should answer mosquitto_rr on its response topic with its correlation data copied back.
    @Test func mosquittoRR() async throws {
        try await CommandHarness.run { harness in
            let result = try await RunningCommand.run(
                "/usr/bin/mosquitto_rr",
                harness.broker.clientArguments + [
                    "-t", "pbx/cmd/queue/pause", "-e", "test/rr/1", "-q", "1", "-W", "10",
                    "-D", "publish", "correlation-data", "crm-4711",
                    "-m", #"{"id":"rr-1","queue":"q2","agent":"149","reason":"break"}"#,
                    "-F", "%t|%D|%C|%p",
                ],
                timeout: 15
            )
            #expect(result.exitCode == 0, "\(result.stderr)")
            let parts = result.stdout.trimmingCharacters(in: .newlines).split(separator: "|", maxSplits: 3).map(
                String.init)
            try #require(parts.count == 4, "\(result.stdout)")
            #expect(parts[0] == "test/rr/1")
            #expect(parts[1] == "crm-4711")
            #expect(parts[2] == "application/json")
            let reply = try #require((try? JSONSerialization.jsonObject(with: Data(parts[3].utf8))) as? [String: Any])
            #expect(string(reply, "id") == "rr-1")
            #expect(string(reply, "command") == "queue/pause")
            #expect(string(reply, "status") == "ok")
            #expect(string(reply, "actionId") == (await harness.commandActions().last?.message.actionID))
        }
    }

    /// Should answer paho's MQTT 5 request on its response topic with binary correlation
    /// data copied back byte for byte, for replies and refusals alike.
    @Test func pahoV5() async throws {
        try await CommandHarness.run { harness in
            let script = #"""
                import sys, json, threading
                import paho.mqtt.client as mqtt
                from paho.mqtt.properties import Properties
                from paho.mqtt.packettypes import PacketTypes
                host, port = sys.argv[1], int(sys.argv[2])
                requests = [("pbx/cmd/queue/status", b'{"id":"py-1","queue":"q2"}', bytes([0, 255, 1, 2])),
                            ("pbx/cmd/queue/pause", b'{"id":"py-2","agent":"149","paused":"no"}', b"second")]
                got = {}
                done = threading.Event()
                def on_connect(c, u, f, rc, props=None):
                    c.subscribe("test/paho/#", qos=1)
                def on_subscribe(c, u, mid, rc, props=None):
                    for topic, body, corr in requests:
                        p = Properties(PacketTypes.PUBLISH)
                        p.ResponseTopic = "test/paho/" + corr.hex()
                        p.CorrelationData = corr
                        c.publish(topic, body, qos=1, properties=p)
                def on_message(c, u, m):
                    corr = getattr(m.properties, "CorrelationData", b"")
                    got[corr.hex()] = {"topic": m.topic, "reply": json.loads(m.payload)}
                    if len(got) == len(requests):
                        done.set()
                c = mqtt.Client(client_id="paho-test", protocol=mqtt.MQTTv5)
                c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
                c.connect(host, port)
                c.loop_start()
                ok = done.wait(10)
                c.loop_stop()
                print(json.dumps(got, sort_keys=True))
                sys.exit(0 if ok else 1)
                """#
            let python = try RunningCommand.python(script, [harness.broker.host, "\(harness.broker.port)"])
            let result = await python.waitForExit(timeout: 20)
            #expect(result.exitCode == 0, "\(result.stderr)")
            let got = try #require(
                (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any],
                "\(result.stdout) \(result.stderr)")
            #expect(string(got, "00ff0102", "topic") == "test/paho/00ff0102")
            #expect(string(got, "00ff0102", "reply", "id") == "py-1")
            #expect(string(got, "00ff0102", "reply", "status") == "ok")
            #expect(value(got, "00ff0102", "reply", "data", "queues", "q2") != nil)
            let second = Array("second".utf8).map { String(format: "%02x", $0) }.joined()
            #expect(string(got, second, "reply", "id") == "py-2")
            #expect(string(got, second, "reply", "error", "code") == "invalid_field")
            #expect(string(got, second, "reply", "error", "field") == "paused")
        }
    }

    /// Should send an MQTT 3.1.1 client's reply to `replyTo` from the body.
    @Test func replyToUnderMQTT311() async throws {
        try await CommandHarness.run { harness in
            // Line-buffered, so that the SUBACK line shows up before the process ends.
            let subscriber = try RunningCommand(
                "/usr/bin/stdbuf",
                ["-oL", "/usr/bin/mosquitto_sub"] + harness.broker.clientArguments
                    + ["-V", "mqttv311", "-t", "crm/replies/#", "-C", "1", "-W", "10", "-v", "-d"]
            )
            #expect(await subscriber.waitForOutput(containing: "SUBACK"))
            let published = try await RunningCommand.run(
                "/usr/bin/mosquitto_pub",
                harness.broker.clientArguments + [
                    "-V", "mqttv311", "-q", "1", "-t", "pbx/cmd/queue/reset",
                    "-m", #"{"id":"v3-1","queue":"q2","replyTo":"crm/replies/agent-7"}"#,
                ]
            )
            #expect(published.exitCode == 0)
            let result = await subscriber.waitForExit(timeout: 12)
            let line = try #require(result.lines.first { $0.hasPrefix("crm/replies/agent-7 ") }, "\(result.stdout)")
            let reply = try #require(
                (try? JSONSerialization.jsonObject(with: Data(line.dropFirst("crm/replies/agent-7 ".count).utf8)))
                    as? [String: Any])
            #expect(string(reply, "id") == "v3-1")
            #expect(string(reply, "command") == "queue/reset")
            #expect(string(reply, "status") == "ok")
        }
    }

    /// Should reply on `{p}/reply/{command}` without a response topic or `replyTo`, prefer
    /// the MQTT 5 Response Topic over `replyTo`, and never publish a reply over the bridge's
    /// own state (a reply topic inside `{p}/` other than `{p}/reply/`).
    @Test func defaultTopicAndGuards() async throws {
        try await CommandHarness.run { harness in
            harness.client.publish("pbx/cmd/queue/status", json: #"{"id":"plain-1"}"#)
            let plain = try await harness.client.waitForMessage(where: { $0.json?["id"] as? String == "plain-1" })
            #expect(plain.topic == "pbx/reply/queue/status")

            let both = try await harness.request("queue/status", #"{"id":"both-1","replyTo":"test/body"}"#)
            #expect(both.count == 1)
            #expect(harness.client.messages(on: "test/body").isEmpty)

            harness.client.publish(
                "pbx/cmd/queue/status", json: #"{"id":"hijack-1","replyTo":"pbx/agent/147/extensionStatus"}"#)
            let guarded = try await harness.client.waitForMessage(where: { $0.json?["id"] as? String == "hijack-1" })
            #expect(guarded.topic == "pbx/reply/queue/status")
            #expect(harness.client.messages(on: "pbx/agent/147/extensionStatus").allSatisfy { $0.json?["id"] == nil })
        }
    }
}
