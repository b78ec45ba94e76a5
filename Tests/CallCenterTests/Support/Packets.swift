import AMI

/// Small builders for AMI packets in tests.
enum Packets {
    static func event(_ name: String, _ pairs: [(String, String)]) -> AMIMessage {
        var message = AMIMessage(fields: [AMIField("Event", name)])
        for (key, value) in pairs {
            message.append(key, value)
        }
        return message
    }

    static func member(
        _ event: String, queue: String, agent: String, name: String = "", status: String = "1",
        paused: String = "0", reason: String = "", penalty: String = "0", callsTaken: String = "0",
        lastCall: String = "0"
    ) -> AMIMessage {
        Self.event(
            event,
            [
                ("Queue", queue), ("MemberName", name), ("Interface", "Local/\(agent)@agents/n"),
                ("StateInterface", "Custom:\(agent)"), ("Membership", "dynamic"), ("Penalty", penalty),
                ("CallsTaken", callsTaken), ("LastCall", lastCall), ("LastPause", "0"), ("LoginTime", "0"),
                ("InCall", "0"), ("Status", status), ("Paused", paused), ("PausedReason", reason),
                ("Ringinuse", "0"), ("Wrapuptime", "0"),
            ])
    }

    static func extensionStatus(agent: String, status: String) -> AMIMessage {
        Self.event(
            "ExtensionStatus",
            [
                ("Exten", agent), ("Context", "agents"), ("Hint", "Custom:\(agent)"), ("Status", status),
                ("StatusText", "whatever"),
            ])
    }
}
