import AMI
import AMISimulator
import Foundation
import NIOCore
import PBXTestSupport
import Testing

/// The wallboard and the agent page in a real headless Chromium, served by the daemon
/// (`http.web`), connected over MQTT-over-WebSockets to mosquitto, with the bridge between
/// the broker and the simulated call center (the fixtures' one: q1 without members; q2 with
/// Bob 149 and Carol 150; hints 146–150).
@Suite(.serialized) struct WebPagesBrowserTests {
    /// Where the test leaves its screenshots (docs/images/ holds copies for the README).
    static let screenshots = Fixtures.repositoryRoot.appendingPathComponent(".build/browser-screenshots")

    /// Texts of the cells with class `column` of each table row, keyed by `data-key`, or false
    /// while the table has fewer than `rows` rows or `condition` (JavaScript) is false.
    static func table(
        _ selector: String, key: String, columns: [String], rows: Int, condition: String = "true"
    ) -> String {
        let cells = columns.map { "\($0): r.querySelector('.\($0)')?.textContent.trim()" }.joined(separator: ", ")
        return """
            (() => { const rows = [...document.querySelectorAll('\(selector) tbody tr')];
              if (rows.length < \(rows) || document.getElementById('connection').dataset.state !== 'connected') return false;
              if (!(\(condition))) return false;
              return Object.fromEntries(rows.map(r => [r.dataset.\(key), { status: r.dataset.status, \(cells) }])); })()
            """
    }

    /// Clicks `button` (a CSS selector) after setting the inputs, then waits for the `count`-th
    /// reply to `command` and returns `status text` of the newest one.
    static func click(
        _ button: String, setting inputs: [String: String] = [:], command: String, count: Int,
        in browser: HeadlessBrowser
    ) async throws -> String {
        let assignments = inputs.map { "document.getElementById('\($0.key)').value = '\($0.value)';" }.joined()
        try await browser.evaluate("\(assignments) document.querySelector('\(button)').click(); true")
        let reply = try await browser.wait(
            until: """
                (() => { const items = document.querySelectorAll('#replies li[data-command="\(command)"]');
                  const li = items[0];
                  return items.length === \(count) && li.dataset.status !== 'sent'
                    && li.dataset.status + ' ' + li.querySelector('.reply').textContent; })()
                """)
        return (try? JSONDecoder().decode(String.self, from: Data(reply.utf8))) ?? reply
    }

    /// The agent id of a fixture member (`Custom:149` → `149`).
    static func agent(_ member: MemberConfiguration) -> String {
        String(member.stateInterface.split(separator: ":").last ?? "")
    }

    static func decode(_ json: String) throws -> [String: [String: String]] {
        try JSONDecoder().decode([String: [String: String]].self, from: Data(json.utf8))
    }

    /// Should show on the wallboard the agents and queue counts the simulator holds, follow a
    /// caller joining and an agent's device changing, and carry a pause clicked on the agent
    /// page to the simulator and back as state (and show a refusal's message).
    @Test func wallboardAndAgentPageFollowTheCallCenter() async throws {
        let daemon = try await DaemonProcess.start(web: true)
        let browser = try HeadlessBrowser.start()
        var callers: [AMIClient] = []
        do {
            try await self.run(daemon: daemon, browser: browser, callers: &callers)
        } catch {
            Issue.record("daemon log tail: \(daemon.process.stderr.suffix(3_000))")
            await self.stop(daemon: daemon, browser: browser, callers: callers)
            throw error
        }
        await self.stop(daemon: daemon, browser: browser, callers: callers)
    }

    private func stop(daemon: DaemonProcess, browser: HeadlessBrowser, callers: [AMIClient]) async {
        await browser.stop()
        for caller in callers {
            _ = try? await caller.shutdown().get()
        }
        await daemon.stop()
    }

    private func run(daemon: DaemonProcess, browser: HeadlessBrowser, callers: inout [AMIClient]) async throws {
        let fixture = CallCenterConfiguration.fixture
        let base = "http://127.0.0.1:\(daemon.httpPort)"
        // The broker of the test requires a login; the pages take it from the query string,
        // and the broker's WebSocket URL from the daemon's /config.json.
        let login = "username=bridge&password=\(DaemonProcess.mqttPassword)"
        let queueColumns = ["waiting", "longest", "available", "busy", "paused", "completed", "abandoned"]
        let agentColumns = ["time", "number", "queues", "reason"]

        // 1. The wallboard shows every agent and queue of the simulator, with their counts.
        try await browser.navigate("\(base)/?\(login)")
        try await browser.wait(until: "document.getElementById('bridge').dataset.state === 'online'")
        let agents = try Self.decode(
            try await browser.wait(
                until: Self.table("#agents", key: "agent", columns: agentColumns, rows: fixture.hints.count)))
        #expect(Set(agents.keys) == Set(fixture.hints))
        let queues = try Self.decode(
            try await browser.wait(
                until: Self.table("#queues", key: "queue", columns: queueColumns, rows: fixture.queues.count)))
        #expect(Set(queues.keys) == Set(fixture.queues.map(\.name)))
        for queue in fixture.queues {
            let row = try #require(queues[queue.name])
            #expect(row["waiting"] == "0", "\(queue.name): \(row)")
            #expect(row["longest"] == "–", "\(queue.name): \(row)")
            #expect(row["available"] == String(queue.staticMembers.count), "\(queue.name): \(row)")
            #expect(row["paused"] == "0", "\(queue.name): \(row)")
            for member in queue.staticMembers.map(Self.agent) {
                #expect(agents[member]?["queues"]?.contains(queue.name) == true, "\(member): \(agents)")
                #expect(agents[member]?["status"] == "available", "\(member): \(agents)")
            }
        }

        // 2. A caller joins q1 (no members: it waits) and Bob's device goes in use: both show,
        // and the caller's wait ticks in the page.
        let q1 = try #require(fixture.queues.first { $0.staticMembers.isEmpty })
        callers.append(
            try await SimulatedCaller.place(
                on: daemon.simulator, user: SimulatorUser(username: "bridge", secret: DaemonProcess.amiSecret),
                extension: q1.incomingExtension))
        let waitingCell = "document.querySelector('#queues tr[data-queue=\"\(q1.name)\"] .waiting')?.textContent"
        try await browser.wait(until: "\(waitingCell) === '1'")
        let longest = "document.querySelector('#queues tr[data-queue=\"\(q1.name)\"] .longest')?.textContent"
        let firstWait = try await browser.wait(until: "\(longest) !== '–' && \(longest)")
        try await browser.wait(until: "\(longest) !== \(firstWait)", timeout: 10)
        let bob = try #require(fixture.queues.flatMap(\.staticMembers).first)
        await daemon.simulator.setDeviceState(bob.stateInterface, .inUse)
        try await browser.wait(
            until:
                "document.querySelector('#agents tr[data-agent=\"\(Self.agent(bob))\"]')?.dataset.status === 'talking'")
        try await browser.screenshot(to: Self.screenshots.appendingPathComponent("wallboard.png"))

        // 3. The agent page pauses Carol with a reason: the simulator gets QueuePause, the
        // state comes back, and the reply is shown.
        let carolMember = try #require(fixture.queues.flatMap(\.staticMembers).last)
        let carol = Self.agent(carolMember)
        try await browser.navigate("\(base)/agent.html?agent=\(carol)&\(login)")
        try await browser.wait(until: "document.getElementById('status').dataset.status === 'available'")
        try await browser.wait(until: "document.querySelectorAll('#memberships tbody tr').length > 0")
        try await browser.evaluate(
            """
            document.getElementById('pause-reason').value = 'lunch';
            document.getElementById('pause').click(); true
            """)
        let reply = try await browser.wait(
            until: """
                (() => { const li = document.querySelector('#replies li[data-command="queue/pause"]');
                  return li && li.dataset.status !== 'sent' && li.dataset.status + ' ' + li.textContent; })()
                """)
        #expect(reply.hasPrefix("\"ok "), "\(reply)")
        let pauses = await daemon.simulator.receivedActions().filter { $0.name == "QueuePause" }
        #expect(pauses.count == 1)
        #expect(pauses.first?.message["Reason"] == "lunch")
        #expect(pauses.first?.message["Paused"]?.lowercased() == "true")
        #expect(pauses.first?.message["Interface"]?.contains(carol) == true)
        try await browser.wait(until: "document.getElementById('status').dataset.status === 'paused'")
        try await browser.wait(
            until: "[...document.querySelectorAll('#memberships .reason')].every(c => c.textContent === 'lunch')")

        // 4. Log into q1 (where the caller waits: Carol gets the call, as in Asterisk), out
        // again, hang the call up, hang up once more (no call: refused), resume and pause
        // again. Each reaches the simulator, or is refused with the bridge's message.
        let q1Name = try #require(fixture.queues.first { $0.staticMembers.isEmpty }?.name)
        let loggedIn = try await Self.click(
            "#login", setting: ["login-queue": q1Name], command: "queue/add", count: 1, in: browser)
        #expect(loggedIn.hasPrefix("ok "), "\(loggedIn)")
        let adds = await daemon.simulator.receivedActions().filter { $0.name == "QueueAdd" }
        #expect(adds.map { $0.message["Queue"] } == [q1Name])
        #expect(adds.first?.message["Interface"]?.contains(carol) == true)
        try await browser.wait(until: "document.getElementById('talking-to').textContent.startsWith('5550100')")
        try await browser.wait(until: "!!document.querySelector('#memberships tr[data-queue=\"\(q1Name)\"]')")
        let logout = try await Self.click(
            "#memberships tr[data-queue=\"\(q1Name)\"] button.logout", command: "queue/remove", count: 1, in: browser)
        #expect(logout.hasPrefix("ok "), "\(logout)")
        try await browser.wait(until: "!document.querySelector('#memberships tr[data-queue=\"\(q1Name)\"]')")
        let hangup = try await Self.click("#hangup", command: "hangup", count: 1, in: browser)
        #expect(hangup.hasPrefix("ok ") && hangup.contains("Local/\(carol)@"), "\(hangup)")
        #expect(await daemon.simulator.receivedActions().filter { $0.name == "Hangup" }.count == 1)
        try await browser.wait(until: "document.getElementById('talking-to').textContent === 'nobody'")
        let noCall = try await Self.click("#hangup", command: "hangup", count: 2, in: browser)
        #expect(noCall.hasPrefix("error ") && noCall.contains("(invalid_field)"), "\(noCall)")
        #expect(noCall.contains("agent \(carol) has no channel right now"), "\(noCall)")
        let resume = try await Self.click("#resume", command: "queue/pause", count: 2, in: browser)
        #expect(resume.hasPrefix("ok "), "\(resume)")
        try await browser.wait(until: "document.getElementById('status').dataset.status === 'available'")
        let pauseAgain = try await Self.click(
            "#pause", setting: ["pause-reason": "lunch"], command: "queue/pause", count: 3, in: browser)
        #expect(pauseAgain.hasPrefix("ok "), "\(pauseAgain)")
        try await browser.wait(until: "document.getElementById('status').dataset.status === 'paused'")

        // 5. A refused command shows the bridge's message.
        let refusal = try await Self.click(
            "#call", setting: ["call-number": "0044207946000"], command: "originate", count: 1, in: browser)
        #expect(refusal.hasPrefix("error "), "\(refusal)")
        #expect(refusal.contains("(forbidden)"), "\(refusal)")
        #expect(refusal.contains("commands.allowDestinations"), "\(refusal)")
        try await browser.screenshot(to: Self.screenshots.appendingPathComponent("agent.png"))

        // 6. Back on the wallboard: Carol paused with her reason; then the bridge stops and the
        // board says so.
        try await browser.navigate("\(base)/?\(login)")
        let carolRow = try Self.decode(
            try await browser.wait(
                until: Self.table(
                    "#agents", key: "agent", columns: agentColumns, rows: fixture.hints.count,
                    condition:
                        "document.querySelector('#agents tr[data-agent=\"\(carol)\"]')?.dataset.status === 'paused'")))
        #expect(carolRow[carol]?["reason"] == "lunch")
        daemon.process.terminate()
        try await browser.wait(until: "document.body.dataset.bridge === 'offline'")
        #expect(try await browser.evaluate("document.getElementById('bridge').textContent").contains("BRIDGE OFFLINE"))
    }
}
