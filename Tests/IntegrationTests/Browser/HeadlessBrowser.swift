import Foundation
import LocalMosquitto
import PBXTestSupport

/// Debian's Chromium, headless, for tests of the web pages: driven step by step over the
/// DevTools protocol by `cdp.py` (Debian python3 + python3-websocket).
///
/// `--dump-dom` would not wait for the pages' asynchronous MQTT updates, so every assertion is
/// a `wait(until:)` on a JavaScript expression evaluated in the page until it holds.
final class HeadlessBrowser: Sendable {
    static let executable = "/usr/bin/chromium"
    static let driver = Fixtures.repositoryRoot.appendingPathComponent("Tests/IntegrationTests/Browser/cdp.py").path

    let debuggingPort: Int
    private let process: RunningCommand
    private let profile: URL

    private init(debuggingPort: Int, process: RunningCommand, profile: URL) {
        self.debuggingPort = debuggingPort
        self.process = process
        self.profile = profile
    }

    /// Starts the browser with a fresh profile and a `width`×`height` window.
    static func start(width: Int = 1280, height: Int = 760) throws -> HeadlessBrowser {
        guard FileManager.default.isExecutableFile(atPath: self.executable) else {
            throw BrowserError.missing("\(self.executable): apt-get install chromium (scripts/install-deps does)")
        }
        let port = try MosquittoBroker.freePort()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("pbx2mqtt-chromium-\(UUID())")
        let process = try RunningCommand(
            self.executable,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--remote-debugging-port=\(port)", "--remote-allow-origins=*", "--user-data-dir=\(profile.path)",
                "--window-size=\(width),\(height)", "--hide-scrollbars", "about:blank",
            ])
        return HeadlessBrowser(debuggingPort: port, process: process, profile: profile)
    }

    /// Loads `url` and waits for its load event.
    func navigate(_ url: String) async throws {
        _ = try await self.step(["navigate", url], timeout: 30)
    }

    /// Evaluates `expression` in the page until it is truthy; returns its JSON value. Throws,
    /// with the last value seen, when it is not within `timeout` seconds.
    @discardableResult
    func wait(until expression: String, timeout: Double = 20) async throws -> String {
        try await self.step(["wait", expression, String(timeout)], timeout: timeout + 15)
    }

    /// The JSON value of `expression` now.
    @discardableResult
    func evaluate(_ expression: String) async throws -> String {
        try await self.step(["eval", expression], timeout: 20)
    }

    /// Saves a PNG of the page as it is now.
    func screenshot(to url: URL) async throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try await self.step(["screenshot", url.path], timeout: 20)
    }

    /// Closes the browser (over the protocol, so its helper processes end too), then makes sure.
    func stop() async {
        _ = try? await self.step(["close"], timeout: 10)
        _ = await self.process.waitForExit(timeout: 5)
        try? FileManager.default.removeItem(at: self.profile)
    }

    private func step(_ arguments: [String], timeout: Double) async throws -> String {
        let result = try await RunningCommand.run(
            RunningCommand.systemPython, [Self.driver, String(self.debuggingPort)] + arguments, timeout: timeout)
        guard result.exitCode == 0, !result.timedOut else {
            throw BrowserError.step(arguments.joined(separator: " "), result.stderr + result.stdout)
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    enum BrowserError: Error, CustomStringConvertible {
        case missing(String)
        case step(String, String)

        var description: String {
            switch self {
            case .missing(let what): "missing \(what)"
            case .step(let step, let output): "browser step `\(step)` failed: \(output)"
            }
        }
    }
}
