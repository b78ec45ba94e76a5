import AMI
import AMISimulator
import PBXTestSupport
import Testing

/// The Swift scripting API and the actions the captures do not cover.
@Suite struct ScriptingTests {
    /// Should deliver a raw event to logged-in sessions whose mask covers its class.
    @Test func emitRespectsMasks() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let agent = try await AMITestClient.connect(port: simulator.port)
        try await agent.login(events: "agent")
        let system = try await AMITestClient.connect(port: simulator.port)
        try await system.login(events: "system")
        await simulator.emit(AMIMessage(["Event": "QueueMemberStatus", "Privilege": "agent,all", "Queue": "q9"]))
        try await agent.barrier()
        try await system.barrier()
        #expect(agent.messages.contains { $0["Queue"] == "q9" })
        #expect(!system.messages.contains { $0["Queue"] == "q9" })
    }

    /// Should build the generated call center: every agent logged in, hints listed.
    @Test func generatedCallCenter() async throws {
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(callCenter: .generated(agents: 7, queues: 3), clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login(events: "off")
        try await client.action("QueueSummary")
        try await client.action("ExtensionStateList")
        try await client.waitFor("both lists") { messages in
            messages.contains { $0.eventName == "QueueSummaryComplete" }
                && messages.contains { $0.eventName == "ExtensionStateListComplete" }
        }
        let summaries = client.messages.filter { $0.eventName == "QueueSummary" }
        #expect(summaries.map { $0["Queue"] } == ["q1", "q2", "q3"])
        #expect(summaries.compactMap { Int($0["LoggedIn"] ?? "") }.reduce(0, +) >= 7)
        #expect(client.messages.filter { $0.eventName == "ExtensionStatus" }.count == 7)
    }

    /// Should park a live channel (ParkedCall) and refuse unknown or missing channels.
    @Test func park() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        try await client.action(
            "Originate",
            ["Channel": "Local/148@agents", "Application": "Wait", "Data": "30", "Variable": "__TALKTIME=30"])
        let channel = try #require(client.messages.first { $0.eventName == "OriginateResponse" }?["Channel"])
        let parked = try await client.action("Park", ["Channel": channel])
        #expect(parked["Message"] == "Park successful")
        try await client.waitFor("ParkedCall") {
            $0.contains { $0.eventName == "ParkedCall" && $0["ParkeeChannel"] == channel }
        }
        #expect(
            try await client.action("Park", ["Channel": "Local/nosuch-1;1"])["Message"]
                == "Channel does not exist: Local/nosuch-1;1")
        #expect(try await client.action("Park")["Message"] == "Channel not specified")
        await simulator.advance(by: 31)
        #expect(await simulator.activeCallCount() == 0)
    }

    /// Should answer Park with Asterisk's own bytes: `Message: Park successful` ends in a bare
    /// LF before the CRLF, exactly as in call-features/park-pickup.ami.
    @Test func parkAnswerHasTheCapturedBareLF() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port, keepRaw: true)
        try await client.login()
        try await client.action(
            "Originate",
            ["Channel": "Local/148@agents", "Application": "Wait", "Data": "30", "Variable": "__TALKTIME=30"])
        let channel = try #require(client.messages.first { $0.eventName == "OriginateResponse" }?["Channel"])
        let parked = try await client.action("Park", ["Channel": channel])
        #expect(parked["Message"] == "Park successful")
        let expected = Array(
            "Response: Success\r\nActionID: \(parked.actionID ?? "")\r\nMessage: Park successful\n\r\n\r\n".utf8)
        let captured = try Fixtures.bytes("call-features/park-pickup.ami")
        let capturedAnswer = Array("ActionID: park-1\r\nMessage: Park successful\n\r\n\r\n".utf8)
        #expect(captured.firstRange(of: capturedAnswer) != nil)
        #expect(client.received.raw.firstRange(of: expected) != nil)
    }

    /// Should list parked calls (ParkedCalls), empty a space on timeout (ParkedCallTimeOut)
    /// and when the parked caller hangs up (ParkedCallGiveUp), reusing the lowest free space,
    /// as res_parking does in call-features/park-pickup.ami.
    @Test func parkingEndsByTimeoutOrGiveUp() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        func originate(_ seconds: Int) async throws -> String {
            let before = client.messages.filter { $0.eventName == "OriginateResponse" }.count
            try await client.action(
                "Originate",
                [
                    "Channel": "Local/148@agents", "Application": "Wait", "Data": "\(seconds)",
                    "Variable": "__TALKTIME=\(seconds)",
                ])
            try await client.waitFor("OriginateResponse") {
                $0.filter { $0.eventName == "OriginateResponse" }.count > before
            }
            return try #require(client.messages.last { $0.eventName == "OriginateResponse" }?["Channel"])
        }
        let first = try await originate(60)
        #expect(try await client.action("Park", ["Channel": first, "Timeout": "5000"])["Message"] == "Park successful")
        let listed = try await client.action("ParkedCalls")
        #expect(listed["Message"] == "Parked calls will follow")
        try await client.waitFor("ParkedCallsComplete") { $0.contains { $0.eventName == "ParkedCallsComplete" } }
        let item = try #require(client.messages.last { $0.eventName == "ParkedCall" && $0.actionID != nil })
        #expect(item["ParkingSpace"] == "701" && item["ParkeeChannel"] == first && item["ParkingTimeout"] == "5")
        #expect(client.messages.last { $0.eventName == "ParkedCallsComplete" }?["Total"] == "1")
        await simulator.advance(by: 6)
        try await client.waitFor("ParkedCallTimeOut") {
            $0.contains { $0.eventName == "ParkedCallTimeOut" && $0["ParkingSpace"] == "701" }
        }
        let second = try await originate(3)
        _ = try await client.action("Park", ["Channel": second])
        try await client.waitFor("ParkedCall in 701 again") {
            $0.contains { $0.eventName == "ParkedCall" && $0["ParkeeChannel"] == second && $0["ParkingSpace"] == "701" }
        }
        await simulator.advance(by: 4)
        try await client.waitFor("ParkedCallGiveUp") {
            $0.contains { $0.eventName == "ParkedCallGiveUp" && $0["ParkeeChannel"] == second }
        }
    }

    /// Should raise Hold then Unhold with the live channel's snapshot (as HOLD_INTERCEPT does in
    /// call-features/hold.ami), and send nothing for a channel that does not exist.
    @Test func holdAndUnhold() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        try await client.action(
            "Originate",
            ["Channel": "Local/148@agents", "Application": "Wait", "Data": "30", "Variable": "__TALKTIME=30"])
        let channel = try #require(client.messages.first { $0.eventName == "OriginateResponse" }?["Channel"])
        #expect(await simulator.hold(channel: channel))
        #expect(await simulator.hold(channel: channel, false))
        #expect(await simulator.hold(channel: "Local/nosuch-1;1") == false)
        try await client.barrier()
        let holds = client.messages.filter { $0.eventName == "Hold" || $0.eventName == "Unhold" }
        #expect(holds.map { $0.eventName } == ["Hold", "Unhold"])
        #expect(holds.allSatisfy { $0["Channel"] == channel && $0["ChannelStateDesc"] == "Up" })
        #expect(holds.first?.fields.map(\.key).last == "Linkedid")
    }

    /// Should pause an interface in every queue it belongs to when no Queue is given.
    @Test func pauseInAllQueues() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        try await client.action(
            "QueueAdd",
            ["Queue": "q1", "Interface": "Local/149@agents/n", "MemberName": "Bob", "StateInterface": "Custom:149"])
        let pause = try await client.action(
            "QueuePause", ["Interface": "Local/149@agents/n", "Paused": "true", "Reason": "lunch"])
        #expect(pause["Message"] == "Interface paused successfully")
        try await client.barrier()
        let pauses = client.messages.filter { $0.eventName == "QueueMemberPause" }
        #expect(Set(pauses.compactMap { $0["Queue"] }) == ["q1", "q2"])
        #expect(pauses.allSatisfy { $0["Paused"] == "1" && $0["PausedReason"] == "lunch" })
        let reset = try await client.action("QueueReset", ["Queue": "q1"])
        #expect(reset["Message"] == "Queue stats reset successfully")
    }
}

/// Transfers the captures show only in shape: what they do to the call.
@Suite struct TransferScriptingTests {
    /// Should end the agent's part with `Reason: transfer`, free the member, and let the
    /// caller run the target (incoming,300: Wait 5) before hanging up.
    @Test func blindTransferMovesTheCaller() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        try await client.action(
            "QueueAdd", ["Queue": "q1", "Interface": "Local/147@agents/n", "StateInterface": "Custom:147"])
        try await client.action(
            "Originate",
            [
                "Channel": "Local/100@incoming", "Application": "Wait", "Data": "600", "Variable": "__TALKTIME=600",
                "CallerID": "\"Caller 5550201\" <5550201>",
            ])
        await simulator.advance(by: 1)
        let connect = try await client.waitFor("AgentConnect") { $0.contains { $0.eventName == "AgentConnect" } }
        let agentLeg = try #require(connect.first { $0.eventName == "AgentConnect" }?["DestChannel"])
        let done = try await client.action(
            "BlindTransfer", ["Channel": agentLeg, "Context": "incoming", "Exten": "300"])
        #expect(done["Message"] == "Transfer succeeded")
        try await client.barrier()
        let transfer = try #require(client.messages.first { $0.eventName == "BlindTransfer" })
        #expect(transfer["Result"] == "Success" && transfer["TransfererChannel"] == agentLeg)
        #expect(
            transfer["Extension"] == "300" && transfer["TransfereeChannel"]?.hasPrefix("Local/100@incoming") == true)
        #expect(client.messages.first { $0.eventName == "AgentComplete" }?["Reason"] == "transfer")
        #expect(await simulator.activeCallCount() == 1)
        await simulator.advance(by: 6)
        #expect(await simulator.activeCallCount() == 0)
        try await client.barrier()
        #expect(!client.messages.contains { $0.eventName == "QueueCallerAbandon" })
        let again = try await client.action("BlindTransfer", ["Channel": agentLeg, "Exten": "300"])
        #expect(again["Message"] == "Channel specified does not exist")
    }

    /// Should refuse Atxfer without the atxfer feature code, and with it consult the target,
    /// merge the bridges when the agent hangs up and let the target talk to the caller.
    @Test func attendedTransferHandsTheCallerToTheTarget() async throws {
        let simulator = try await AMISimulator.start(configuration: SimulatorConfiguration(clock: .manual))
        defer { Task { try? await simulator.shutdown() } }
        let client = try await AMITestClient.connect(port: simulator.port)
        try await client.login()
        try await client.action(
            "QueueAdd", ["Queue": "q1", "Interface": "Local/147@agents/n", "StateInterface": "Custom:147"])
        func call(_ variables: String) async throws -> String {
            let before = client.messages.filter { $0.eventName == "AgentConnect" }.count
            try await client.action(
                "Originate",
                [
                    "Channel": "Local/100@incoming", "Application": "Wait", "Data": "600", "Variable": variables,
                    "CallerID": "\"Caller 5550302\" <5550302>",
                ])
            await simulator.advance(by: 1)
            let all = try await client.waitFor("AgentConnect") {
                $0.filter { $0.eventName == "AgentConnect" }.count > before
            }
            return try #require(all.last { $0.eventName == "AgentConnect" }?["DestChannel"])
        }
        let plain = try await call("__TALKTIME=600")
        let refused = try await client.action("Atxfer", ["Channel": plain, "Exten": "148", "Context": "agents"])
        #expect(refused["Message"] == "No attended transfer feature code found")
        try await client.action("Hangup", ["Channel": plain])
        let agent = try await call("__TALKTIME=20,FEATUREMAP(atxfer)=*2")
        let queued = try await client.action("Atxfer", ["Channel": agent, "Exten": "148", "Context": "agents"])
        #expect(queued["Message"] == "Atxfer successfully queued")
        await simulator.advance(by: 2)
        try await client.waitFor("AttendedTransfer") { $0.contains { $0.eventName == "AttendedTransfer" } }
        #expect(
            client.messages.filter { $0.eventName == "DTMFEnd" }.compactMap { $0["Digit"] } == [
                "*", "2", "1", "4", "8",
            ])
        #expect(client.messages.last { $0.eventName == "Hold" }?["Channel"] == agent)
        let transfer = try #require(client.messages.first { $0.eventName == "AttendedTransfer" })
        #expect(transfer["OrigTransfererChannel"] == agent && transfer["DestType"] == "Bridge")
        #expect(transfer["TransferTargetChannel"]?.hasPrefix("Local/148@agents-") == true)
        #expect(transfer["DestBridgeUniqueid"] == transfer["OrigBridgeUniqueid"])
        #expect(client.messages.last { $0.eventName == "AgentComplete" }?["Reason"] == "transfer")
        #expect(await simulator.activeCallCount() == 1)
        await simulator.advance(by: 21)
        #expect(await simulator.activeCallCount() == 0)
        try await client.barrier()
        let target = try #require(transfer["TransferTargetChannel"])
        #expect(client.messages.contains { $0.eventName == "Hangup" && $0["Channel"] == target })
        #expect(!client.messages.contains { $0.eventName == "QueueCallerAbandon" })
    }
}
