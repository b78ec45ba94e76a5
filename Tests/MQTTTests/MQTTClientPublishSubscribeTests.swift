import Foundation
import MQTT
import PBXTestSupport
import Testing

/// Our client against a real mosquitto, checked through independent command-line clients.
@Suite(.serialized)
struct MQTTClientPublishSubscribeTests {
    /// Should deliver our publications to mosquitto_sub and mosquitto_pub's publications to us,
    /// under both protocol versions.
    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func publishesAndReceivesThroughMosquittoClients(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let root = uniqueName("ps")
        let recorder = EventRecorder()
        let client = try await connectedClient(
            to: broker, protocolVersion: version, subscriptions: ["\(root)/in/#"], recorder: recorder)
        defer { client.stop() }

        let subscriber = try await startSubscriber(broker, topic: "\(root)/out", protocolVersion: version)
        let mid = try client.publish(MQTTMessage(topic: "\(root)/out", text: "hello ✓", qos: .atLeastOnce))
        let result = await subscriber.waitForExit(timeout: 10)
        #expect(result.lines.contains("\(root)/out hello ✓"), "mosquitto_sub printed: \(result.stdout)")
        #expect(await recorder.wait { $0.events.contains(.published(mid: mid)) })
        #expect(await recorder.wait { _ in client.queuedMessageCount == 0 })

        let published = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub", broker.clientArguments + ["-q", "1", "-t", "\(root)/in/x", "-m", "world"])
        #expect(published.exitCode == 0, "mosquitto_pub: \(published.stderr)")
        #expect(await recorder.wait { !$0.messages(on: "\(root)/in/x").isEmpty })
        let received = try #require(recorder.messages(on: "\(root)/in/x").first)
        #expect(received.text == "world")
        #expect(received.qos == .atLeastOnce)
        #expect(received.retain == false)
        #expect(client.isConnected)
    }

    /// Should publish retained state a later subscriber still gets, and flag retained deliveries.
    @Test
    func retainedMessagesReachLateSubscribers() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let root = uniqueName("ret")
        let recorder = EventRecorder()
        let client = try await connectedClient(to: broker, recorder: recorder)
        defer { client.stop() }

        let mid = try client.publish(
            MQTTMessage(topic: "\(root)/state", text: "online", qos: .atLeastOnce, retain: true))
        #expect(await recorder.wait { $0.events.contains(.published(mid: mid)) })
        let late = try await RunningCommand.run(
            "/usr/bin/mosquitto_sub", broker.clientArguments + ["-v", "-t", "\(root)/state", "-C", "1", "-W", "5"])
        #expect(late.lines == ["\(root)/state online"], "mosquitto_sub printed: \(late.stdout) \(late.stderr)")

        // A retained message set by someone else arrives flagged as retained when we subscribe.
        let set = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub", broker.clientArguments + ["-r", "-q", "1", "-t", "\(root)/other", "-m", "kept"])
        #expect(set.exitCode == 0)
        try client.subscribe("\(root)/other", qos: .atLeastOnce)
        #expect(await recorder.wait { !$0.messages(on: "\(root)/other").isEmpty })
        let retained = try #require(recorder.messages(on: "\(root)/other").first)
        #expect(retained.retain)
        #expect(retained.text == "kept")
    }

    /// Should, with "no local" (MQTT 5), replay our own retained message on subscribe but not
    /// send back what we publish live, while others' publications still arrive.
    @Test
    func noLocalSubscriptionsSkipOwnLivePublications() async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let root = uniqueName("nolocal")
        let recorder = EventRecorder()
        let client = try await connectedClient(to: broker, recorder: recorder)
        defer { client.stop() }
        let mid = try client.publish(
            MQTTMessage(topic: "\(root)/kept", text: "earlier", qos: .atLeastOnce, retain: true))
        #expect(await recorder.wait { $0.events.contains(.published(mid: mid)) })

        try client.subscribe("\(root)/#", qos: .atLeastOnce, noLocal: true)
        #expect(await recorder.wait { $0.messages(on: "\(root)/kept").map(\.text) == ["earlier"] })
        try client.publish(MQTTMessage(topic: "\(root)/own", text: "mine", qos: .atLeastOnce))
        let published = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub", broker.clientArguments + ["-q", "1", "-t", "\(root)/other", "-m", "theirs"])
        #expect(published.exitCode == 0)
        #expect(await recorder.wait { !$0.messages(on: "\(root)/other").isEmpty })
        #expect(recorder.messages(on: "\(root)/own").isEmpty)
    }

    /// Should have the broker publish the will when the connection dies uncleanly (here: a
    /// second client takes over the client id), and not on a clean stop.
    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func lastWillIsPublishedWhenTheConnectionDies(version: MQTTProtocolVersion) async throws {
        let broker = try await MosquittoBroker.start()
        defer { broker.stop() }
        let root = uniqueName("will")
        let clientID = uniqueName("willclient")
        let recorder = EventRecorder()
        let will = MQTTMessage(topic: "\(root)/status", text: "offline", qos: .atLeastOnce, retain: true)
        let client = try await connectedClient(
            to: broker, protocolVersion: version, clientID: clientID, will: will, recorder: recorder)

        // A clean stop sends DISCONNECT: no will.
        client.stop()
        #expect(await recorder.wait { $0.disconnectedCount >= 1 })
        let afterStop = try await RunningCommand.run(
            "/usr/bin/mosquitto_sub", broker.clientArguments + ["-v", "-t", "\(root)/status", "-C", "1"],
            timeout: 1.5)
        #expect(afterStop.timedOut)
        #expect(afterStop.lines.isEmpty, "will was published on a clean stop: \(afterStop.stdout)")

        // Session takeover closes our connection without DISCONNECT: the will fires.
        let recorder2 = EventRecorder()
        let client2 = try await connectedClient(
            to: broker, protocolVersion: version, clientID: clientID, will: will, recorder: recorder2)
        defer { client2.stop() }
        let subscriber = try await startSubscriber(broker, topic: "\(root)/status", protocolVersion: version)
        let takeover = try await RunningCommand.run(
            "/usr/bin/mosquitto_pub", broker.clientArguments + ["-i", clientID, "-t", "\(root)/x", "-m", "x"])
        #expect(takeover.exitCode == 0)
        let result = await subscriber.waitForExit(timeout: 10)
        #expect(result.lines.contains("\(root)/status offline"), "subscriber saw: \(result.stdout)")
        #expect(await recorder2.wait { $0.disconnectedCount >= 1 })
    }
}
