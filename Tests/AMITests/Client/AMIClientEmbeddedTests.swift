import Foundation
import Logging
import NIOCore
import NIOEmbedded
import PBXTestSupport
import Testing

@testable import AMI

/// The client over `EmbeddedChannel`s, fed real Asterisk bytes, with time moved by hand.
@Suite struct AMIClientEmbeddedTests {
    /// Should log in like the real transcript and collect the QueueStatus, QueueSummary,
    /// ExtensionStateList, DeviceStateList, CoreShowChannels and Status lists with the item
    /// counts Asterisk announced, passing the other events to the delegate.
    @Test func replaysInitialStateTranscript() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        let text = try Fixtures.text("login-and-initial-state.ami")
        let banner = "Asterisk Call Manager/11.0.0\r\n"
        #expect(text.hasPrefix(banner))
        let afterBanner = String(text.dropFirst(banner.count))
        let splitMarker = "Response: Success\r\nActionID: a2\r\n"
        let splitRange = try #require(afterBanner.range(of: splitMarker))
        let loginPart = String(afterBanner[..<splitRange.lowerBound])
        let rest = String(afterBanner[splitRange.lowerBound...])

        harness.start()
        #expect(harness.delegate.states == [.connecting(attempt: 1)])
        try harness.feed(banner)
        let login = try harness.sentOne()
        let recorded = try decodeAMIMessages(Fixtures.bytes("login-and-initial-state.ami.sent"), expectBanner: false)
        var expectedLogin = recorded[0]
        expectedLogin.set("ActionID", login.actionID ?? "")
        #expect(login == expectedLogin)

        try harness.feed(remapActionIDs(loginPart, ["a1": login.actionID ?? ""]))
        let info = AMIServerInfo(product: "Asterisk", amiVersion: "11.0.0", host: "127.0.0.1", port: 5038)
        #expect(harness.delegate.states == [.connecting(attempt: 1), .connected(info)])
        #expect(harness.delegate.eventNames == ["FullyBooted", "SuccessfulAuth"])

        let names = [
            "QueueStatus", "QueueSummary", "ExtensionStateList", "DeviceStateList", "CoreShowChannels", "Status",
            "CoreSettings",
        ]
        let futures = names.map { harness.client.send(AMIAction($0)) }
        let sent = try harness.sent()
        #expect(sent.map { $0.actionName ?? "" } == names)
        var map: [String: String] = [:]
        for (index, message) in sent.enumerated() {
            map["a\(index + 2)"] = message.actionID
        }
        #expect(Set(map.values).count == names.count)
        try harness.feed(remapActionIDs(rest, map))

        var responses: [String: AMIResponse] = [:]
        for (name, future) in zip(names, futures) {
            responses[name] = try EmbeddedAMI.result(future)?.get()
        }
        #expect(responses["QueueStatus"]?.events.count == 4)
        #expect(responses["QueueStatus"]?.events.filter { $0.eventName == "QueueMember" }.count == 2)
        #expect(responses["QueueSummary"]?.events.count == 2)
        #expect(responses["ExtensionStateList"]?.events.count == 5)
        #expect(responses["ExtensionStateList"]?.completion?["ListItems"] == "5")
        #expect(responses["DeviceStateList"]?.events.count == 9)
        #expect(responses["CoreShowChannels"]?.events.count == 0)
        #expect(responses["CoreShowChannels"]?.completion?.eventName == "CoreShowChannelsComplete")
        #expect(responses["Status"]?.events.count == 0)
        #expect(responses["CoreSettings"]?["AsteriskVersion"] == "22.10.1")
        // The QueueSummary sent without an ActionID is not ours: its items are events.
        #expect(
            harness.delegate.eventNames == [
                "FullyBooted", "SuccessfulAuth", "QueueSummary", "QueueSummary", "QueueSummaryComplete",
                "RequestBadFormat",
            ])
        // Answers with unknown ActionIDs (a9, a10, a11, and those without) are dropped at debug.
        let dropped = harness.logs.all.filter { $0.message == "dropped an AMI response with an unknown ActionID" }
        #expect(dropped.count == 6)
        #expect(dropped.allSatisfy { $0.level == .debug })
    }

    /// Should log in with MD5 exactly like the real transcript: Challenge, then the key.
    @Test func md5LoginMatchesTranscript() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration(authType: .md5))
        harness.start()
        try harness.feed("Asterisk Call Manager/11.0.0\r\n")
        let challenge = try harness.sentOne()
        #expect(challenge.actionName == "Challenge")
        #expect(challenge["AuthType"] == "MD5")
        try harness.feed(
            AMIMessage(["Response": "Success", "ActionID": challenge.actionID ?? "", "Challenge": "577092151"]))
        let login = try harness.sentOne()
        #expect(login["Key"] == "19c6650db8d3fbf22c919e0ff6c68efc")
        #expect(login["AuthType"] == "MD5")
        #expect(login["Events"] == "on")
        #expect(login["Secret"] == nil)
        try harness.feed(
            AMIMessage(["Response": "Success", "ActionID": login.actionID ?? "", "Message": "Authentication accepted"]))
        guard case .connected? = harness.delegate.states.last else {
            Issue.record("expected connected, got \(harness.delegate.states)")
            return
        }
    }

    /// Should report a refused login with Asterisk's message, close, and retry only after a
    /// growing backoff (no hammering).
    @Test func badSecretBacksOffWithoutHammering() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration(secret: "wrong"))
        harness.start()
        for (attempt, delay) in [(1, TimeAmount.milliseconds(500)), (2, .seconds(1)), (3, .seconds(2))] {
            #expect(harness.factory.connectAttempts == attempt)
            try harness.feed("Asterisk Call Manager/11.0.0\r\n")
            let login = try harness.sentOne()
            #expect(login["Secret"] == "wrong")
            try harness.feed(
                AMIMessage(["Response": "Error", "ActionID": login.actionID ?? "", "Message": "Authentication failed"]))
            #expect(try !harness.channel.isActive)
            #expect(
                harness.delegate.states.last
                    == .disconnected(.loginFailed(message: "Authentication failed"), retryIn: delay))
            harness.advance(delay - .milliseconds(1))
            #expect(harness.factory.connectAttempts == attempt)
            harness.advance(.milliseconds(1))
        }
        #expect(harness.delegate.states.last == .connecting(attempt: 4))
        #expect(harness.factory.connectAttempts == 4)
    }

    /// Should keep retrying a refused TCP connect with growing delays.
    @Test func refusedConnectRetriesWithBackoff() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        harness.factory.refuseConnections = true
        harness.start()
        #expect(harness.factory.connectAttempts == 1)
        guard case .disconnected(.connectFailed, retryIn: .milliseconds(500))? = harness.delegate.states.last else {
            Issue.record("unexpected \(harness.delegate.states)")
            return
        }
        harness.advance(.milliseconds(500))
        #expect(harness.factory.connectAttempts == 2)
        harness.advance(.milliseconds(999))
        #expect(harness.factory.connectAttempts == 2)
        harness.factory.refuseConnections = false
        harness.advance(.milliseconds(1))
        #expect(harness.factory.connectAttempts == 3)
        try harness.feed("Asterisk Call Manager/11.0.0\r\n")
        #expect(try harness.sentOne().actionName == "Login")
    }

    /// Should ping every keepaliveInterval and, when a ping goes unanswered for
    /// keepaliveTimeout, close, fail pending actions and reconnect.
    @Test func keepaliveDetectsStalledServer() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        try harness.connectPlain()
        harness.advance(.seconds(9))
        #expect(try harness.sent().isEmpty)
        harness.advance(.seconds(1))
        let ping = try harness.sentOne()
        #expect(ping.actionName == "Ping")
        try harness.feed(AMIMessage(["Response": "Success", "ActionID": ping.actionID ?? "", "Ping": "Pong"]))
        harness.advance(.seconds(10))
        let second = try harness.sentOne()
        #expect(second.actionName == "Ping")
        let pending = harness.client.send(AMIAction("QueueStatus"), timeout: .seconds(60))
        harness.advance(.seconds(5))
        let firstChannel = try #require(harness.factory.channels.first)
        #expect(!firstChannel.isActive)
        #expect(harness.delegate.states.last == .disconnected(.keepaliveTimeout, retryIn: .milliseconds(500)))
        #expect(throws: AMIClientError.connectionClosed) { try EmbeddedAMI.result(pending)?.get() }
        harness.advance(.milliseconds(500))
        #expect(harness.factory.channels.count == 2)
        #expect(harness.delegate.states.last == .connecting(attempt: 1))
    }

    /// Should send no Ping at all when keepalive is off (interval zero).
    @Test func keepaliveOffSendsNoPing() throws {
        var configuration = EmbeddedAMI.configuration()
        configuration.keepaliveInterval = .zero
        let harness = EmbeddedAMI(configuration: configuration)
        try harness.connectPlain()
        harness.advance(.seconds(120))
        #expect(try harness.sent().isEmpty)
        #expect(try #require(harness.factory.channels.first).isActive)
    }

    /// Should not declare the connection dead while a long list is still arriving ahead of
    /// the Ping (Asterisk answers a session's actions in order).
    @Test func keepaliveToleratesSlowLongList() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        try harness.connectPlain()
        let list = harness.client.send(AMIAction("QueueStatus"), timeout: .seconds(60))
        let listID = try harness.sentOne().actionID ?? ""
        try harness.feed(AMIMessage(["Response": "Success", "ActionID": listID, "EventList": "start"]))
        harness.advance(.seconds(10))
        let ping = try harness.sentOne()
        #expect(ping.actionName == "Ping")
        for second in 0..<12 {
            try harness.feed(
                AMIMessage(["Event": "QueueMember", "Queue": "q1", "Name": "Agent \(second)", "ActionID": listID]))
            harness.advance(.seconds(1))
        }
        #expect(try harness.channel.isActive)
        try harness.feed(
            AMIMessage(["Event": "QueueStatusComplete", "ActionID": listID, "EventList": "Complete", "ListItems": "12"]
            ),
            AMIMessage(["Response": "Success", "ActionID": ping.actionID ?? "", "Ping": "Pong"])
        )
        #expect(try EmbeddedAMI.result(list)?.get().events.count == 12)
        #expect(try harness.channel.isActive)
        guard case .connected? = harness.delegate.states.last else {
            Issue.record("expected still connected, got \(harness.delegate.states)")
            return
        }
        // Without progress, the next unanswered Ping still ends the connection.
        harness.advance(.seconds(10))
        #expect(try harness.sentOne().actionName == "Ping")
        harness.advance(.seconds(5))
        #expect(harness.factory.channels.first?.isActive == false)
        #expect(
            harness.delegate.states.contains {
                if case .disconnected(.keepaliveTimeout, _) = $0 { true } else { false }
            })
    }

    /// Should fail only the timed-out action, drop its late answer (not leak its list items
    /// as events) and keep serving other actions.
    @Test func perActionTimeoutFailsOnlyThatAction() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        try harness.connectPlain()
        let slow = harness.client.send(AMIAction("QueueStatus"), timeout: .seconds(2))
        let slowID = try harness.sentOne().actionID ?? ""
        harness.advance(.seconds(2))
        #expect(throws: AMIClientError.timeout(action: "QueueStatus")) { try EmbeddedAMI.result(slow)?.get() }
        #expect(try harness.channel.isActive)

        let ping = harness.client.send(AMIAction("Ping"))
        let pingID = try harness.sentOne().actionID ?? ""
        try harness.feed(
            AMIMessage(["Response": "Success", "ActionID": slowID, "EventList": "start"]),
            AMIMessage(["Event": "QueueParams", "Queue": "q1", "ActionID": slowID]),
            AMIMessage(["Event": "QueueStatusComplete", "ActionID": slowID, "EventList": "Complete", "ListItems": "1"]),
            AMIMessage(["Response": "Success", "ActionID": pingID, "Ping": "Pong"])
        )
        #expect(try EmbeddedAMI.result(ping)?.get()["Ping"] == "Pong")
        #expect(harness.delegate.events.isEmpty)
        #expect(
            harness.logs.all.contains {
                $0.message == "dropped a late answer to a timed-out AMI action" && $0.level == .debug
            })
    }

    /// Should route list items by ActionID while unsolicited events interleave, and deliver an
    /// OriginateResponse (which carries the Originate's ActionID) as an event.
    @Test func correlatesWithInterleavedEvents() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        try harness.connectPlain()
        let list = harness.client.send(AMIAction("ExtensionStateList"))
        let originate = harness.client.send(AMIAction("Originate", ["Channel": "Local/147@agents", "Async": "true"]))
        let ids = try harness.sent().map { $0.actionID ?? "" }
        #expect(ids.count == 2)
        try harness.feed(
            AMIMessage(["Response": "Success", "ActionID": ids[0], "EventList": "start"]),
            AMIMessage(["Event": "ExtensionStatus", "ActionID": ids[0], "Exten": "146"]),
            AMIMessage(["Event": "QueueMemberStatus", "Queue": "q1"]),
            AMIMessage(["Response": "Success", "ActionID": ids[1], "Message": "Originate successfully queued"]),
            AMIMessage(["Event": "ExtensionStatus", "ActionID": ids[0], "Exten": "147"]),
            AMIMessage(["Event": "OriginateResponse", "ActionID": ids[1], "Response": "Success", "Reason": "4"]),
            AMIMessage([
                "Event": "ExtensionStateListComplete", "ActionID": ids[0], "EventList": "Complete", "ListItems": "2",
            ])
        )
        let listResponse = try #require(try EmbeddedAMI.result(list)?.get())
        #expect(listResponse.events.map { $0["Exten"] ?? "" } == ["146", "147"])
        #expect(try EmbeddedAMI.result(originate)?.get().message == "Originate successfully queued")
        #expect(harness.delegate.eventNames == ["QueueMemberStatus", "OriginateResponse"])
    }

    /// Should complete (not fail) with a `Response: Error`, with Asterisk's message.
    @Test func errorResponseCompletesWithMessage() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        try harness.connectPlain()
        let future = harness.client.send(AMIAction("QueueAdd", ["Queue": "q1", "Interface": "Local/147@agents/n"]))
        let id = try harness.sentOne().actionID ?? ""
        try harness.feed(
            AMIMessage(["Response": "Error", "ActionID": id, "Message": "Unable to add interface: Already there"]))
        let response = try #require(try EmbeddedAMI.result(future)?.get())
        #expect(response.isError)
        #expect(response.message == "Unable to add interface: Already there")
    }

    /// Should fail at once with notConnected before login, and with encoding (writing
    /// nothing) when a header holds CR/LF.
    @Test func refusesActionsItCannotSend() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        #expect(throws: AMIClientError.notConnected) {
            try EmbeddedAMI.result(harness.client.send(AMIAction("Ping")))?.get()
        }
        harness.start()
        try harness.feed("Asterisk Call Manager/11.0.0\r\n")
        _ = try harness.sent()
        #expect(throws: AMIClientError.notConnected) {
            try EmbeddedAMI.result(harness.client.send(AMIAction("Ping")))?.get()
        }
        try harness.feed(
            AMIMessage(["Response": "Success", "ActionID": "p2m-1-1", "Message": "Authentication accepted"]))
        let injected = harness.client.send(AMIAction("Hangup", ["Channel": "x\r\nAction: Originate"]))
        #expect(throws: AMIClientError.encoding(.forbiddenCharacter(key: "Channel", inValue: true))) {
            try EmbeddedAMI.result(injected)?.get()
        }
        #expect(try harness.sent().isEmpty)
    }

    /// Should fail pending actions with connectionClosed on EOF, log Asterisk's Shutdown event,
    /// and reconnect (the asterisk-restart transcript).
    @Test func reconnectsAfterAsteriskRestart() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        harness.start()
        let text = try Fixtures.text("asterisk-restart.ami")
        try harness.feed(remapActionIDs(text, ["a1": "p2m-1-1"]))
        guard case .connected? = harness.delegate.states.last else {
            Issue.record("expected connected, got \(harness.delegate.states)")
            return
        }
        #expect(harness.delegate.eventNames == ["FullyBooted", "SuccessfulAuth", "Shutdown"])
        #expect(harness.logs.all.contains { $0.message == "Asterisk is shutting down" && $0.level == .info })
        let pending = harness.client.send(AMIAction("QueueStatus"))
        try harness.channel.pipeline.fireChannelInactive()
        #expect(throws: AMIClientError.connectionClosed) { try EmbeddedAMI.result(pending)?.get() }
        #expect(harness.delegate.states.last == .disconnected(.connectionClosed, retryIn: .milliseconds(500)))
        harness.advance(.milliseconds(500))
        let after = try Fixtures.text("asterisk-restart-after.ami")
        try harness.feed(remapActionIDs(after, ["a1": "p2m-2-1"]))
        guard case .connected? = harness.delegate.states.last else {
            Issue.record("expected connected again, got \(harness.delegate.states)")
            return
        }
        #expect(harness.factory.channels.count == 2)
    }

    /// Should refuse a peer that is not AMI with a typed error and retry later.
    @Test func refusesNonAMIPeer() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        harness.start()
        try harness.feed("SSH-2.0-OpenSSH_9.2\r\n")
        #expect(try !harness.channel.isActive)
        #expect(
            harness.delegate.states.last
                == .disconnected(.notAnAMIServer(firstLine: "SSH-2.0-OpenSSH_9.2"), retryIn: .milliseconds(500)))
    }

    /// Should close with bannerTimeout when the peer accepts but never greets.
    @Test func closesWhenNoBannerArrives() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        harness.start()
        harness.advance(.seconds(10))
        #expect(try !harness.channel.isActive)
        #expect(harness.delegate.states.last == .disconnected(.bannerTimeout, retryIn: .milliseconds(500)))
    }

    /// Should close with packetTooLarge when a packet exceeds maxPacketSize, and reconnect.
    @Test func closesOnOversizedPacket() throws {
        var configuration = EmbeddedAMI.configuration()
        configuration.maxPacketSize = 1024
        let harness = EmbeddedAMI(configuration: configuration)
        try harness.connectPlain()
        try harness.feed("Event: Big\r\nValue: " + String(repeating: "x", count: 2000))
        #expect(try !harness.channel.isActive)
        #expect(
            harness.delegate.states.last == .disconnected(.packetTooLarge(limit: 1024), retryIn: .milliseconds(500)))
        harness.advance(.milliseconds(500))
        #expect(harness.factory.channels.count == 2)
    }

    /// Should skip a malformed packet with an info log and deliver the next one.
    @Test func skipsMalformedPackets() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        try harness.connectPlain()
        try harness.feed("Event: Broken\r\nno colon here\r\n\r\nEvent: Hangup\r\nChannel: Local/1\r\n\r\n")
        #expect(harness.delegate.eventNames == ["Hangup"])
        #expect(harness.logs.all.contains { $0.message == "skipped a malformed AMI packet" && $0.level == .info })
        #expect(try harness.channel.isActive)
    }

    /// Should send the configured filters after login, and when Asterisk refuses them with
    /// Permission denied, log once at info and still connect (also on reconnects).
    @Test func refusedFiltersAreLoggedOnceAndIgnored() throws {
        let filters = ["Event: QueueMemberStatus", "Event: ExtensionStatus"]
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration(filters: filters))
        for round in 1...2 {
            if round == 1 {
                harness.start()
            } else {
                try harness.channel.pipeline.fireChannelInactive()
                harness.advance(.milliseconds(500))
            }
            try harness.feed("Asterisk Call Manager/11.0.0\r\n")
            let login = try harness.sentOne()
            try harness.feed(AMIMessage(["Response": "Success", "ActionID": login.actionID ?? ""]))
            let sentFilters = try harness.sent()
            #expect(sentFilters.map { $0["Filter"] ?? "" } == filters)
            #expect(sentFilters.allSatisfy { $0.actionName == "Filter" && $0["Operation"] == "Add" })
            #expect(!(harness.delegate.states.last.map { if case .connected = $0 { true } else { false } } ?? false))
            for filter in sentFilters {
                try harness.feed(
                    AMIMessage(["Response": "Error", "ActionID": filter.actionID ?? "", "Message": "Permission denied"])
                )
            }
            guard case .connected? = harness.delegate.states.last else {
                Issue.record("expected connected after the filters, got \(harness.delegate.states)")
                return
            }
        }
        let refusals = harness.logs.all.filter { $0.message.hasPrefix("Asterisk refused the event filters") }
        #expect(refusals.map(\.level) == [.info, .debug])
    }

    /// Should log off, close and report shutdown; a second shutdown returns at once; sends
    /// afterwards fail with shutdown.
    @Test func shutdownLogsOffAndIsIdempotent() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        try harness.connectPlain()
        let pending = harness.client.send(AMIAction("QueueStatus"))
        _ = try harness.sent()
        let first = harness.client.shutdown()
        let logoff = try harness.sentOne()
        #expect(logoff.actionName == "Logoff")
        #expect(EmbeddedAMI.result(first) == nil)
        try harness.feed(
            AMIMessage([
                "Response": "Goodbye", "ActionID": logoff.actionID ?? "", "Message": "Thanks for all the fish.",
            ]))
        #expect(try !harness.channel.isActive)
        #expect(throws: Never.self) { try EmbeddedAMI.result(first)?.get() }
        #expect(EmbeddedAMI.result(first) != nil)
        #expect(throws: AMIClientError.connectionClosed) { try EmbeddedAMI.result(pending)?.get() }
        #expect(harness.delegate.states.last == .shutdown)
        #expect(EmbeddedAMI.result(harness.client.shutdown()) != nil)
        #expect(throws: AMIClientError.shutdown) {
            try EmbeddedAMI.result(harness.client.send(AMIAction("Ping")))?.get()
        }
        harness.advance(.seconds(60))
        #expect(harness.factory.channels.count == 1)
    }

    /// Should stop reconnecting when shut down while waiting to reconnect.
    @Test func shutdownCancelsReconnect() throws {
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration())
        harness.factory.refuseConnections = true
        harness.start()
        #expect(EmbeddedAMI.result(harness.client.shutdown()) != nil)
        harness.advance(.seconds(60))
        #expect(harness.factory.connectAttempts == 1)
        #expect(harness.delegate.states.last == .shutdown)
    }

    /// Should never write the secret (nor the MD5 key) into any log entry, at trace level,
    /// through plain and MD5 logins, a refused login and a keepalive.
    @Test(arguments: [AMIConfiguration.AuthType.plain, .md5])
    func secretNeverLogged(authType: AMIConfiguration.AuthType) throws {
        let secret = "s3cr3t-Hunter2"
        let harness = EmbeddedAMI(configuration: EmbeddedAMI.configuration(authType: authType, secret: secret))
        harness.start()
        var key = ""
        for accept in [false, true] {
            try harness.feed("Asterisk Call Manager/11.0.0\r\n")
            var login = try harness.sentOne()
            if authType == .md5 {
                try harness.feed(
                    AMIMessage(["Response": "Success", "ActionID": login.actionID ?? "", "Challenge": "577092151"]))
                login = try harness.sentOne()
                key = login["Key"] ?? ""
                #expect(key.count == 32)
            } else {
                #expect(login["Secret"] == secret)
            }
            let answer = accept ? "Success" : "Error"
            try harness.feed(
                AMIMessage(["Response": answer, "ActionID": login.actionID ?? "", "Message": "Authentication failed"]))
            if !accept { harness.advance(.milliseconds(500)) }
        }
        harness.advance(.seconds(10))
        harness.client.shutdown()
        let entries = harness.logs.all
        #expect(entries.count > 5)
        for entry in entries {
            #expect(!entry.fullText.contains(secret), "secret leaked in \(entry.fullText)")
            if !key.isEmpty {
                #expect(!entry.fullText.contains(key), "MD5 key leaked in \(entry.fullText)")
            }
        }
        #expect(!"\(harness.client.configuration)".contains(secret))
    }
}
