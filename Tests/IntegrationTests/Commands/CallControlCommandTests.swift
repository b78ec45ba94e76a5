import AMI
import AMISimulator
import Bridge
import Foundation
import MQTT
import NIOCore
import PBXTestSupport
import Testing

/// originate, park, hangup and redirect end to end against the simulated Asterisk.
@Suite(.serialized) struct CallControlCommandTests {
    /// Should answer `accepted` with the Originate's ActionID at once, then `ok` with the
    /// new channel's uniqueId from OriginateResponse, after sending exactly what was asked.
    @Test func originateAnswered() async throws {
        try await CommandHarness.run { harness in
            let replies = try await harness.request(
                "originate",
                #"{"id":"call-1","from":"147","to":"5551234","callerId":"CRM <5551234>","variables":{"CRM_ID":"42","_TICKET":"7"},"timeoutSeconds":20}"#,
                until: { $0.json?["status"] as? String != "accepted" }
            )
            try #require(replies.count == 2)
            let accepted = try requireJSON(replies[0])
            let answered = try requireJSON(replies[1])
            #expect(string(accepted, "status") == "accepted")
            #expect(string(accepted, "id") == "call-1")
            #expect(string(answered, "status") == "ok")
            #expect(string(answered, "id") == "call-1")
            #expect(string(answered, "command") == "originate")
            let actionID = try #require(string(accepted, "actionId"))
            #expect(string(answered, "actionId") == actionID)
            #expect(string(answered, "data", "uniqueId")?.isEmpty == false)
            #expect(string(answered, "data", "channel")?.hasPrefix("Local/147@agents-") == true)

            let originate = try #require(await harness.commandActions().first { $0.name == "Originate" })
            #expect(originate.message.actionID == actionID)
            #expect(originate.message["Channel"] == "Local/147@agents/n")
            #expect(originate.message["Context"] == "from-internal")
            #expect(originate.message["Exten"] == "5551234")
            #expect(originate.message["Priority"] == "1")
            #expect(originate.message["Timeout"] == "20000")
            #expect(originate.message["Async"] == "true")
            #expect(originate.message["CallerID"] == "CRM <5551234>")
            #expect(originate.message.values(of: "Variable") == ["CRM_ID=42", "_TICKET=7"])
        }
    }

    /// Should answer `failed` with the reason when Asterisk reports the originate failed
    /// (an agent no dialplan reaches), and publish `{p}/event/originateFailed`.
    @Test func originateFailed() async throws {
        try await CommandHarness.run { harness in
            let replies = try await harness.request(
                "originate", #"{"id":"call-2","from":"999","to":"100"}"#,
                until: { $0.json?["status"] as? String != "accepted" }
            )
            try #require(replies.count == 2)
            let failed = try requireJSON(replies[1])
            let actionID = try #require(string(requireJSON(replies[0]), "actionId"))
            #expect(string(failed, "status") == "failed")
            #expect(string(failed, "actionId") == actionID)
            #expect(string(failed, "data", "reason") == "failed")
            #expect(string(failed, "data", "reasonCode") == "0")
            let event = try await harness.client.waitForMessage(where: { $0.topic == "pbx/event/originateFailed" })
            #expect(string(event.json, "actionId") == actionID)
            #expect(string(event.json, "id") == "call-2")
            #expect(string(event.json, "reason") == "failed")
            #expect(event.message.retain == false)
        }
    }

    /// Should park the caller an agent talks to with the agent as TimeoutChannel (it hears
    /// the space) and answer with the space (Asterisk then hangs the agent's leg up, as in
    /// call-features/park-pickup.ami); on another call hang up the agent's channel; and
    /// refuse both once the agent has no call, without an AMI action.
    @Test func parkAndHangupByAgent() async throws {
        try await CommandHarness.run { harness in
            _ = try await harness.reply("queue/add", #"{"queue":"q1","agent":"147"}"#)
            try await harness.placeQueueCall()
            _ = try await harness.client.waitForMessage(where: {
                $0.topic == "pbx/agent/147/phoneNumber" && !$0.message.payload.isEmpty
            })
            let park = try await harness.replyOnceReady("park", #"{"agent":"147"}"#)
            #expect(string(park, "status") == "ok")
            #expect(string(park, "data", "parkingSpace") == "701")
            let parkAction = try #require(await harness.commandActions().first { $0.name == "Park" })
            #expect(parkAction.message["Channel"]?.hasPrefix("Local/100@incoming-") == true)
            #expect(parkAction.message["TimeoutChannel"]?.hasPrefix("Local/147@agents-") == true)
            #expect(string(park, "data", "channel") == parkAction.message["Channel"])
            #expect(string(park, "actionId") == parkAction.message.actionID)
            // Parking took the caller away: the agent's leg is gone.
            _ = try await harness.client.waitForMessage(where: {
                $0.topic == "pbx/agent/147/phoneNumber" && $0.message.payload.isEmpty
            })
        }
        try await CommandHarness.run { harness in
            _ = try await harness.reply("queue/add", #"{"queue":"q1","agent":"147"}"#)
            try await harness.placeQueueCall()
            _ = try await harness.client.waitForMessage(where: {
                $0.topic == "pbx/agent/147/phoneNumber" && !$0.message.payload.isEmpty
            })
            let hangup = try await harness.replyOnceReady("hangup", #"{"id":"h-1","agent":"147"}"#)
            #expect(string(hangup, "status") == "ok")
            let hangupAction = try #require(await harness.commandActions().first { $0.name == "Hangup" })
            #expect(hangupAction.message["Channel"]?.hasPrefix("Local/147@agents-") == true)
            #expect(string(hangup, "data", "channel") == hangupAction.message["Channel"])

            // The call is over: nothing to act on, and nothing sent.
            _ = try await harness.client.waitForMessage(where: {
                $0.topic == "pbx/agent/147/phoneNumber" && $0.message.payload.isEmpty
            })
            let before = await harness.commandActions().count
            let none = try await harness.reply("hangup", #"{"agent":"147"}"#)
            #expect(string(none, "error", "code") == "invalid_field")
            #expect(string(none, "error", "field") == "agent")
            let noPark = try await harness.reply("park", #"{"agent":"147"}"#)
            #expect(string(noPark, "error", "code") == "invalid_field")
            #expect(await harness.commandActions().count == before)
        }
    }

    /// Should redirect the caller an agent talks to into an allowed context.
    @Test func redirectByAgent() async throws {
        try await CommandHarness.run { harness in
            _ = try await harness.reply("queue/add", #"{"queue":"q1","agent":"148"}"#)
            try await harness.placeQueueCall()
            _ = try await harness.client.waitForMessage(where: {
                $0.topic == "pbx/agent/148/phoneNumber" && !$0.message.payload.isEmpty
            })
            let redirect = try await harness.replyOnceReady(
                "redirect", #"{"agent":"148","to":"300","context":"outbound"}"#)
            #expect(string(redirect, "status") == "ok")
            let action = try #require(await harness.commandActions().first { $0.name == "Redirect" })
            #expect(action.message["Channel"]?.hasPrefix("Local/100@incoming-") == true)
            #expect(action.message["Exten"] == "300")
            #expect(action.message["Context"] == "outbound")
            #expect(action.message["Priority"] == "1")
            #expect(string(redirect, "actionId") == action.message.actionID)
        }
    }

    /// Should refuse to guess when an agent has several calls: `error` listing the
    /// candidates, and no AMI action.
    @Test func ambiguousAgentListsCandidates() async throws {
        try await CommandHarness.run { harness in
            var uniqueIDs: [String: String] = [:]
            for index in 1...2 {
                let replies = try await harness.request(
                    "originate", #"{"id":"multi-\#(index)","from":"147","to":"100","variables":{"TALKTIME":"60"}}"#,
                    until: { $0.json?["status"] as? String != "accepted" }
                )
                let answered = try requireJSON(replies.last)
                try #require(string(answered, "status") == "ok")
                let channel = try #require(string(answered, "data", "channel"))
                uniqueIDs[channel] = string(answered, "data", "uniqueId")
            }
            let own = try await harness.reply("hangup", #"{"id":"amb-1","agent":"147"}"#)
            #expect(string(own, "status") == "error")
            #expect(string(own, "error", "code") == "invalid_field")
            let candidates = try #require(value(own, "error", "candidates") as? [String])
            #expect(candidates.count == 2)
            #expect(Set(candidates) == Set(uniqueIDs.keys))

            // Bridge each of the agent's calls with an outside party, as Asterisk reports it.
            for (index, channel) in candidates.enumerated() {
                let ownID = try #require(uniqueIDs[channel])
                await harness.simulator.emit(
                    Self.bridgeEnter(channel: channel, uniqueID: ownID, bridge: "bridge-\(index)"))
                await harness.simulator.emit(
                    Self.bridgeEnter(
                        channel: "PJSIP/trunk-0000000\(index)", uniqueID: "peer-\(index)", bridge: "bridge-\(index)"))
            }
            // A later event on the same AMI connection: once its topic is published, the
            // bridge has applied the BridgeEnter events before it.
            await harness.simulator.setDeviceState("Custom:147", .onHold)
            _ = try await harness.client.waitForMessage(where: {
                $0.topic == "pbx/agent/147/extensionStatus" && $0.json?["status"] as? String == "onhold"
            })
            let before = await harness.commandActions().count
            let redirect = try await harness.reply("redirect", #"{"id":"amb-2","agent":"147","to":"300"}"#)
            #expect(string(redirect, "error", "code") == "invalid_field")
            #expect(
                value(redirect, "error", "candidates") as? [String] == ["PJSIP/trunk-00000000", "PJSIP/trunk-00000001"])
            #expect(string(redirect, "error", "message")?.contains("2 calls") == true)
            #expect(await harness.commandActions().count == before)
        }
    }

    static func bridgeEnter(channel: String, uniqueID: String, bridge: String) -> AMIMessage {
        AMIMessage([
            "Event": "BridgeEnter", "Privilege": "call,all", "BridgeUniqueid": bridge, "BridgeType": "basic",
            "BridgeTechnology": "simple_bridge", "BridgeNumChannels": "1", "Channel": channel, "ChannelState": "6",
            "ChannelStateDesc": "Up", "CallerIDNum": "5550100", "CallerIDName": "Caller", "Uniqueid": uniqueID,
            "Linkedid": uniqueID,
        ])
    }
}
