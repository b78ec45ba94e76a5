import AMI
import AMISimulator
import PBXCore
import PBXTestSupport

/// Replays the actions of a `.ami.sent` capture against the simulator the way the capture
/// driver sent them: one at a time, waiting for each answer, for async Originates' results
/// and for calls to end before the next Originate or the Logoff.
struct FixtureReplayer {
    let simulator: AMISimulator
    let client: AMITestClient
    /// The challenge the real Asterisk gave in the capture (MD5 logins are re-keyed).
    var fixtureChallenge: String?
    var secret = "bridgepw"

    static func actions(_ fixture: String) throws -> [AMIMessage] {
        try decodeAMIMessages(Fixtures.bytes(fixture + ".ami.sent"), expectBanner: false)
    }

    func replay(_ actions: [AMIMessage]) async throws {
        for original in actions {
            if self.client.isClosed { return }
            var action = original
            let name = action.actionName?.lowercased() ?? ""
            if name == "originate" || name == "logoff" {
                try await self.waitUntilIdle()
            }
            if name == "login", action["AuthType"]?.lowercased() == "md5" {
                action = self.rekeyed(action)
            }
            self.client.send(action)
            guard let id = action.actionID else {
                try await self.client.waitQuiet(.milliseconds(100))
                continue
            }
            _ = try await self.client.waitFor("the answer to \(id)", timeout: .seconds(10)) { messages in
                self.client.isClosed || messages.contains { $0.response != nil && $0.actionID == id }
            }
            if name == "originate", AMIAction.isTrue(action["Async"]) {
                let response = self.client.messages.first { $0.response != nil && $0.actionID == id }
                if response?.isError == false {
                    _ = try await self.client.waitFor("OriginateResponse \(id)", timeout: .seconds(10)) { messages in
                        messages.contains { $0.eventName == "OriginateResponse" && $0.actionID == id }
                    }
                }
            }
            if name == "logoff" {
                try await self.client.waitClosed()
            }
        }
    }

    func waitUntilIdle() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while await self.simulator.activeCallCount() > 0 {
            if ContinuousClock.now > deadline { throw AMITestClient.Failure.timedOut("calls to end") }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await self.client.waitQuiet(.milliseconds(50))
    }

    /// Replaces a captured MD5 key computed for the capture's challenge by one for the
    /// simulator's challenge; a deliberately wrong key stays wrong.
    private func rekeyed(_ action: AMIMessage) -> AMIMessage {
        guard let fixtureChallenge, let key = action["Key"],
            key == Self.md5Hex(fixtureChallenge + self.secret),
            let challenge = self.client.messages.last(where: { $0["Challenge"] != nil })?["Challenge"]
        else { return action }
        var copy = action
        copy.set("Key", Self.md5Hex(challenge + self.secret))
        return copy
    }

    static func md5Hex(_ text: String) -> String {
        MD5.hex(text)
    }
}

extension AMIAction {
    static func isTrue(_ text: String?) -> Bool {
        ["yes", "true", "1", "on", "y", "t"].contains(text?.lowercased() ?? "")
    }
}
