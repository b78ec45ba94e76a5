import Testing

@testable import Bridge

@Suite struct CommandParserTests {
    let parser = CommandParser(
        policy: CommandPolicy(allowDestinations: ["[0-9]{3}", "555[0-9]{4}"], allowedContexts: ["outbound"]))

    func parse(_ name: String, _ json: String) -> Result<CommandRequest, CommandParser.Failure> {
        self.parser.parse(command: name, payload: Array(json.utf8))
    }

    func error(_ name: String, _ json: String) -> CommandParser.Failure? {
        if case .failure(let failure) = self.parse(name, json) { return failure }
        return nil
    }

    /// Should parse a full originate with routing fields.
    @Test func parsesOriginate() throws {
        let request = try self.parse(
            "originate",
            #"{"id":"c-1","replyTo":"crm/replies","from":"147","to":"5551234","callerId":"Zoë <100>","variables":{"CRM_ID":"42"},"timeoutSeconds":20,"context":"outbound"}"#
        ).get()
        #expect(request.id == "c-1")
        #expect(request.replyTo == "crm/replies")
        #expect(
            request.command
                == .originate(
                    .init(
                        from: "147", to: "5551234", context: "outbound", callerID: "Zoë <100>",
                        variables: ["CRM_ID": "42"], timeoutSeconds: 20)))
    }

    /// Should parse queue commands, with one queue or a list, and default pause to true.
    @Test func parsesQueueCommands() throws {
        #expect(
            try self.parse("queue/add", #"{"queue":["q1","q2","q1"],"agent":"147","penalty":2}"#).get().command
                == .queueAdd(queues: ["q1", "q2"], agent: "147", name: nil, penalty: 2, paused: nil))
        #expect(
            try self.parse("queue/pause", #"{"agent":"147","reason":"lunch"}"#).get().command
                == .queuePause(queues: [], agent: "147", paused: true, reason: "lunch"))
        #expect(try self.parse("queue/status", "").get().command == .queueStatus(queue: nil))
        #expect(try self.parse("bridge/resync", "{}").get().command == .bridgeResync)
    }

    /// Should refuse CR, LF and NUL in every string field, naming the field.
    @Test(arguments: [
        ("originate", #"{"from":"147","to":"100","callerId":"x\r\nAction: Originate"}"#, "callerId"),
        ("originate", #"{"from":"147\n","to":"100"}"#, "from"),
        ("originate", #"{"from":"147","to":"100\r"}"#, "to"),
        ("originate", #"{"from":"147","to":"100","variables":{"A":"b\u0000"}}"#, "variables.A"),
        ("queue/pause", #"{"agent":"147","reason":"a\rAction: Hangup"}"#, "reason"),
        ("queue/add", #"{"queue":"q1\n","agent":"147"}"#, "queue"),
        ("originate", #"{"id":"x\r\n","from":"147","to":"100"}"#, "id"),
    ])
    func refusesControlCharacters(name: String, json: String, field: String) throws {
        let failure = try #require(self.error(name, json))
        #expect(failure.error.code == .invalidField)
        #expect(failure.error.field == field)
    }

    /// Should refuse destinations and contexts outside the allow-list as `forbidden`.
    @Test func refusesTollCalls() throws {
        #expect(self.error("originate", #"{"from":"147","to":"0044207946000"}"#)?.error.code == .forbidden)
        #expect(
            self.error("originate", #"{"from":"147","to":"100","context":"international"}"#)?.error.code == .forbidden)
        #expect(self.error("redirect", #"{"agent":"147","to":"99999"}"#)?.error.code == .forbidden)
    }

    /// Should refuse raw channels unless enabled, and both or neither of agent/channel.
    @Test func guardsRawChannels() throws {
        #expect(self.error("hangup", #"{"channel":"PJSIP/147-0001"}"#)?.error.code == .forbidden)
        #expect(self.error("hangup", "{}")?.error.field == "agent")
        let open = CommandParser(policy: CommandPolicy(allowRawChannels: true))
        #expect(
            try open.parse(command: "hangup", payload: Array(#"{"channel":"PJSIP/147-0001"}"#.utf8)).get().command
                == .hangup(.channel("PJSIP/147-0001")))
        guard
            case .failure(let both) = open.parse(
                command: "hangup", payload: Array(#"{"channel":"X/1","agent":"1"}"#.utf8))
        else {
            Issue.record("both agent and channel accepted")
            return
        }
        #expect(both.error.field == "channel")
    }

    /// Should refuse bad JSON, unknown commands, wrong types, unknown fields, wildcards in ids,
    /// non-ASCII agent ids and oversized payloads, keeping id and replyTo where it could read them.
    @Test func refusesMalformedRequests() throws {
        #expect(self.error("originate", "{nope")?.error.code == .badJSON)
        #expect(self.error("originate", "[1,2]")?.error.code == .badJSON)
        let unknown = try #require(self.error("dial", #"{"id":"u1","replyTo":"me/r"}"#))
        #expect(unknown.error.code == .unknownCommand)
        #expect(unknown.id == "u1")
        #expect(unknown.replyTo == "me/r")
        #expect(self.error("originate", #"{"from":147,"to":"100"}"#)?.error.field == "from")
        #expect(self.error("queue/add", #"{"queue":"q1","agent":"147","penalty":"2"}"#)?.error.field == "penalty")
        #expect(self.error("queue/add", #"{"queue":"q1","agent":"147","paused":"yes"}"#)?.error.field == "paused")
        #expect(self.error("queue/add", #"{"queue":"q1","agent":"147","agnet":"1"}"#)?.error.field == "agnet")
        #expect(self.error("originate", #"{"id":"a+b","from":"147","to":"100"}"#)?.error.field == "id")
        #expect(self.error("originate", ##"{"id":"#","from":"147","to":"100"}"##)?.error.field == "id")
        #expect(self.error("originate", #"{"from":"1٤7","to":"100"}"#)?.error.field == "from")
        #expect(
            self.error("originate", #"{"from":"147","to":"100","variables":{"FILE(/etc/x)":"y"}}"#)?.error.code
                == .invalidField)
        #expect(
            self.error("originate", #"{"from":"147","to":"100","timeoutSeconds":1.5}"#)?.error.field == "timeoutSeconds"
        )
        let big = "{\"from\":\"" + String(repeating: "1", count: 70_000) + "\"}"
        #expect(self.error("originate", big)?.error.field == "payload")
        #expect(
            self.error("originate", #"{"id":""# + String(repeating: "x", count: 129) + #"","from":"1","to":"100"}"#)?
                .error.field == "id")
    }

    /// Should refuse commas in variable values (Asterisk splits `Variable:` at commas) and
    /// C1 controls and unicode line separators in free text.
    @Test func refusesVariableSplittingAndUnicodeBreaks() throws {
        let comma = try #require(self.error("originate", #"{"from":"147","to":"100","variables":{"A":"1,B=2"}}"#))
        #expect(comma.error.field == "variables.A")
        #expect(self.error("originate", #"{"from":"147","to":"100","callerId":"a\u0085b"}"#)?.error.field == "callerId")
        #expect(self.error("queue/pause", #"{"agent":"147","reason":"a\u2028b"}"#)?.error.field == "reason")
        #expect(self.error("queue/pause", #"{"agent":"147","reason":"a\u2029b"}"#)?.error.field == "reason")
        #expect(
            try self.parse("queue/pause", #"{"agent":"147","reason":"Mittagspause ☕ 12:00"}"#).get().command
                == .queuePause(queues: [], agent: "147", paused: true, reason: "Mittagspause ☕ 12:00"))
    }

    /// Should read id and replyTo of a payload that is not executed, ignoring invalid ones.
    @Test func readsRoutingOfUnexecutedPayloads() {
        let routing = self.parser.routing(of: Array(#"{"id":"r-1","replyTo":"crm/r","from":"147"}"#.utf8))
        #expect(routing.id == "r-1")
        #expect(routing.replyTo == "crm/r")
        let bad = self.parser.routing(of: Array(#"{"id":"a\r\nb","replyTo":"crm/#"}"#.utf8))
        #expect(bad.id == nil)
        #expect(bad.replyTo == nil)
        #expect(self.parser.routing(of: Array("not json".utf8)).id == nil)
    }

    /// Should fill interface templates with the agent id.
    @Test func fillsTemplates() {
        let policy = CommandPolicy(agentInterface: "PJSIP/{agent}", agentStateInterface: "Custom:{agent}")
        #expect(policy.interface(for: "147") == "PJSIP/147")
        #expect(policy.stateInterface(for: "147") == "Custom:147")
    }
}
