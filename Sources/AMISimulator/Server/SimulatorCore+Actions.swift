import AMI
import Foundation
import Logging
import NIOCore
import PBXCore

/// Action dispatch, login and the session-level actions.
extension SimulatorCore {
    /// Write permission each action needs (`0` = none), as the actions register in Asterisk.
    static let actionPermissions: [String: AMIPrivilege] = [
        "login": [], "logoff": [], "challenge": [], "ping": [], "events": [], "listcommands": [],
        "filter": .system, "command": .command, "coresettings": [.system, .reporting],
        "corestatus": [.system, .reporting],
        "queuestatus": [], "queuesummary": [], "queueadd": .agent, "queueremove": .agent,
        "queuepause": .agent, "queuepenalty": .agent, "queuememberringinuse": .agent, "queuereset": [],
        "extensionstatelist": [.call, .reporting], "devicestatelist": [.call, .reporting],
        "coreshowchannels": [.system, .reporting], "status": [.system, .call, .reporting],
        "originate": .originate, "redirect": .call, "hangup": [.system, .call], "setvar": .call,
        "getvar": [.call, .reporting], "park": .call, "blindtransfer": .call, "atxfer": .call,
        "parkedcalls": .call, "dbget": [.system, .reporting], "dbgettree": [.system, .reporting], "dbput": .system,
        "dbdel": .system,
        "dbdeltree": .system,
    ]

    func handle(_ message: AMIMessage, from session: SimSession) {
        guard !session.closing, !session.authFailed else { return }
        let actionID = message.actionID.flatMap { $0.isEmpty ? nil : $0 }
        guard let action = message.actionName, !action.isEmpty else {
            session.send(AMIEventFactory.error("Missing action in request", actionID: actionID))
            return
        }
        let key = action.lowercased()
        if !session.isAuthenticated, key != "login", key != "challenge", key != "logoff" {
            session.send(AMIEventFactory.error("Permission denied", actionID: actionID))
            return
        }
        guard let required = Self.actionPermissions[key] else {
            session.send(
                AMIEventFactory.error(
                    "Invalid/unknown command: \(action). Use Action: ListCommands to show available commands.",
                    actionID: actionID
                ))
            self.broadcast(AMIEventFactory.requestBadFormat(session: session, eventTV: self.eventTV(), action: action))
            return
        }
        if !required.isEmpty, let user = session.user, user.write.intersection(required).isEmpty {
            session.send(AMIEventFactory.error("Permission denied", actionID: actionID))
            return
        }
        let request = ActionRequest(message: message, actionID: actionID, session: session)
        switch key {
        case "login": self.login(request)
        case "challenge": self.challenge(request)
        case "logoff":
            session.send(
                AMIEventFactory.response(
                    "Goodbye", actionID: actionID, [AMIField("Message", "Thanks for all the fish.")]))
            session.close()
        case "ping":
            session.send(
                AMIEventFactory.response(
                    "Success", actionID: actionID,
                    [
                        AMIField("Ping", "Pong"), AMIField("Timestamp", self.timestamp()),
                    ]))
        case "events": self.events(request)
        case "listcommands": self.listCommands(request)
        case "filter": self.filter(request)
        case "command": self.command(request)
        case "coresettings": self.coreSettings(request)
        case "corestatus": self.coreStatus(request)
        case "queuestatus": self.queueStatus(request)
        case "queuesummary": self.queueSummary(request)
        case "queueadd": self.queueAdd(request)
        case "queueremove": self.queueRemove(request)
        case "queuepause": self.queuePause(request)
        case "queuepenalty": self.queuePenalty(request)
        case "queuememberringinuse": self.queueRingInUse(request)
        case "queuereset": self.queueReset(request)
        case "extensionstatelist": self.extensionStateList(request)
        case "devicestatelist": self.deviceStateList(request)
        case "coreshowchannels": self.coreShowChannels(request)
        case "status": self.status(request)
        case "originate": self.originate(request)
        case "redirect": self.redirect(request)
        case "hangup": self.hangupAction(request)
        case "setvar": self.setvar(request)
        case "getvar": self.getvar(request)
        case "park": self.park(request)
        case "blindtransfer": self.blindTransfer(request)
        case "atxfer": self.attendedTransfer(request)
        case "parkedcalls": self.parkedCalls(request)
        case "dbget": self.dbGet(request)
        case "dbgettree": self.dbGetTree(request)
        case "dbput": self.dbPut(request)
        case "dbdel": self.dbDel(request)
        case "dbdeltree": self.dbDelTree(request)
        default:
            session.send(
                AMIEventFactory.error(
                    "Invalid/unknown command: \(action). Use Action: ListCommands to show available commands.",
                    actionID: actionID))
        }
    }

    // MARK: Time formats

    /// `2026-11-25T14:49:57.517+0000`
    func eventTV() -> String {
        let seconds = self.configuration.startEpoch + self.now
        let date = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let millis = Int((seconds - seconds.rounded(.down)) * 1000)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(millis, 3))+0000"
    }

    /// `1795618198.621119`
    func timestamp() -> String {
        let micros = Int64(((self.configuration.startEpoch + self.now) * 1_000_000).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    var uptime: Int { max(0, Int(self.now - self.bootTime)) }

    // MARK: Login

    func challenge(_ request: ActionRequest) {
        guard request["AuthType"]?.caseInsensitiveEquals("md5") == true else {
            request.session.send(AMIEventFactory.error("Must specify AuthType", actionID: request.actionID))
            return
        }
        if request.session.challenge == nil {
            request.session.challenge = String(100_000_000 + Int(self.challengeRandom.next() % 900_000_000))
        }
        request.session.send(
            AMIEventFactory.response(
                "Success", actionID: request.actionID,
                [
                    AMIField("Challenge", request.session.challenge ?? "")
                ]))
    }

    func login(_ request: ActionRequest) {
        let session = request.session
        let username = request["Username"] ?? ""
        let user = self.configuration.users.first { $0.username == username }
        var accepted = false
        if let user {
            if request["AuthType"]?.caseInsensitiveEquals("md5") == true {
                if let challenge = session.challenge, let key = request["Key"] {
                    accepted = MD5.hex(challenge + user.secret) == key.lowercased()
                }
            } else {
                accepted = request["Secret"] == user.secret
            }
        }
        guard accepted, let user else {
            self.logger.debug(
                "AMI login refused",
                metadata: [SimulatorLogKey.sessionID: "\(session.id)", SimulatorLogKey.username: "\(username)"])
            let fail = { (core: SimulatorCore) in
                session.send(AMIEventFactory.error("Authentication failed", actionID: request.actionID))
                session.close()
            }
            if self.configuration.loginFailureDelay > 0 {
                session.authFailed = true
                let delay = TimeAmount.milliseconds(Int64(self.configuration.loginFailureDelay * 1000))
                self.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                    fail(self)
                }
            } else {
                fail(self)
            }
            return
        }
        session.user = user
        session.sessionTV = self.eventTV()
        if let events = request["Events"] {
            session.eventMask = AMIPrivilege(parsing: events) ?? []
        }
        self.logger.debug(
            "AMI login accepted",
            metadata: [SimulatorLogKey.sessionID: "\(session.id)", SimulatorLogKey.username: "\(username)"])
        session.send(AMIEventFactory.success("Authentication accepted", actionID: request.actionID))
        if session.eventMask.contains(.system), user.read.contains(.system) {
            session.send(AMIEventFactory.fullyBooted(uptime: self.uptime).message)
        }
        self.broadcast(AMIEventFactory.successfulAuth(session: session, eventTV: session.sessionTV))
    }

    func events(_ request: ActionRequest) {
        let mask = AMIPrivilege(parsing: request["EventMask"] ?? "") ?? []
        request.session.eventMask = mask
        request.session.send(
            AMIEventFactory.response(
                "Success", actionID: request.actionID,
                [
                    AMIField("Events", mask.isEmpty ? "Off" : "On")
                ]))
    }

    func listCommands(_ request: ActionRequest) {
        var fields: [AMIField] = []
        for name in Self.actionPermissions.keys.sorted() {
            fields.append(AMIField(name, name))
        }
        request.session.send(AMIEventFactory.response("Success", actionID: request.actionID, fields))
    }

    func filter(_ request: ActionRequest) {
        guard (request["Operation"] ?? "").caseInsensitiveEquals("add") else {
            request.session.send(AMIEventFactory.error("Unknown operation", actionID: request.actionID))
            return
        }
        do {
            let filter = try EventFilter(filter: request["Filter"] ?? "", criteria: request["MatchCriteria"])
            request.session.addFilter(filter)
            request.session.send(AMIEventFactory.success("Success", actionID: request.actionID))
        } catch {
            request.session.send(
                AMIEventFactory.error(
                    "Filter did not compile.  Check the syntax of the filter given.",
                    actionID: request.actionID
                ))
        }
    }

    func coreSettings(_ request: ActionRequest) {
        request.session.send(
            AMIEventFactory.response(
                "Success", actionID: request.actionID,
                [
                    AMIField("AMIversion", "11.0.0"), AMIField("AsteriskVersion", "22.10.1"),
                    AMIField("SystemName", ""),
                    AMIField("CoreMaxCalls", "0"), AMIField("CoreMaxLoadAvg", "0.000000"),
                    AMIField("CoreRunUser", "root"),
                    AMIField("CoreRunGroup", "root"), AMIField("CoreMaxFilehandles", "4096"),
                    AMIField("CoreRealTimeEnabled", "No"), AMIField("CoreCDRenabled", "No"),
                    AMIField("CoreHTTPenabled", "No"), AMIField("SoundsSearchCustomDir", "No"),
                ]))
    }

    func coreStatus(_ request: ActionRequest) {
        request.session.send(
            AMIEventFactory.response(
                "Success", actionID: request.actionID,
                [
                    AMIField("CoreStartupDate", ""), AMIField("CoreStartupTime", ""), AMIField("CoreReloadDate", ""),
                    AMIField("CoreReloadTime", ""), AMIField("CoreCurrentCalls", String(self.calls.count)),
                    AMIField("CoreProcessedCalls", String(self.nextCallID)),
                ]))
    }

    func command(_ request: ActionRequest) {
        let command = (request["Command"] ?? "").trimmingSpaces()
        var lines: [String]
        let words = command.split(separator: " ").map(String.init)
        switch words.prefix(3).joined(separator: " ") {
        case "core show uptime":
            lines = ["System uptime: \(self.uptime) seconds", "Last reload: \(self.uptime) seconds"]
        case "core show version":
            lines = ["Asterisk 22.10.1 built by ami-sim"]
        default:
            if words.prefix(2) == ["queue", "show"] {
                lines = self.queueShow(words.count > 2 ? words[2] : nil)
            } else {
                lines = ["No such command '\(command)' (type 'core show help \(command)' for other possible commands)"]
            }
        }
        var fields = [AMIField("Message", "Command output follows")]
        fields += lines.map { AMIField("Output", $0) }
        request.session.send(AMIEventFactory.response("Success", actionID: request.actionID, fields))
    }

    private func queueShow(_ name: String?) -> [String] {
        var lines: [String] = []
        for queue in self.queues where name == nil || queue.name == name {
            lines.append(
                "\(queue.name) has \(queue.callers.count) calls (max unlimited) in '\(queue.configuration.strategy)' strategy (\(queue.holdTime)s holdtime, \(queue.talkTime)s talktime), W:\(queue.configuration.weight), C:\(queue.completed), A:\(queue.abandoned), SL:\(queue.serviceLevelPerformance)%, SL2:0.0% within \(queue.configuration.serviceLevel)s"
            )
            if queue.members.isEmpty {
                lines.append("   No Members")
            } else {
                lines.append("   Members: ")
                for member in queue.members {
                    let state = self.memberStatus(member)
                    lines.append(
                        "      \(member.name) (\(member.interface) from \(member.stateInterface)) (ringinuse \(member.ringInUse ? "enabled" : "disabled"))\(member.isDynamic ? " (dynamic)" : "")\(member.paused ? " (paused)" : "") (\(state == .notInUse ? "Not in use" : state.text)) has taken \(member.callsTaken == 0 ? "no calls yet" : "\(member.callsTaken) calls")"
                    )
                }
            }
            if queue.callers.isEmpty {
                lines.append("   No Callers")
            } else {
                lines.append("   Callers: ")
                for (index, caller) in queue.callers.enumerated() {
                    lines.append(
                        "      \(index + 1). \(caller.channel.name) (wait: \(Int(self.now - caller.joinedAt))s, prio: 0)"
                    )
                }
            }
            lines.append("")
        }
        if lines.isEmpty, let name {
            lines.append("No such queue: \(name).")
        }
        lines.append("")
        return lines
    }
}

/// An action being answered: its headers, its ActionID (nil when absent or empty) and its session.
struct ActionRequest {
    let message: AMIMessage
    let actionID: String?
    let session: SimSession

    /// A header's value, nil when absent; Asterisk treats empty like absent for most headers.
    subscript(_ key: String) -> String? {
        self.message[key]
    }

    /// The header's value when present and not empty.
    func nonEmpty(_ key: String) -> String? {
        guard let value = self.message[key], !value.isEmpty else { return nil }
        return value
    }

    /// The header's value when present and not empty; otherwise answers `Response: Error`
    /// with `message` (Asterisk's own wording for that action) and gives nil.
    func required(_ key: String, or message: String) -> String? {
        guard let value = self.nonEmpty(key) else {
            self.respond(AMIEventFactory.error(message, actionID: self.actionID))
            return nil
        }
        return value
    }

    func respond(_ message: AMIMessage) {
        self.session.send(message)
    }

    /// Writes bytes as they are: for Asterisk's own malformed lines, which the encoder
    /// (rightly) refuses to produce.
    func respondRaw(_ text: String) {
        self.session.sendRaw(Array(text.utf8))
    }
}
