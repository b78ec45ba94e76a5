import Foundation
import Synchronization

/// A child process whose output is captured as it arrives, for tests that drive command-line
/// MQTT clients (`mosquitto_sub`, `mosquitto_pub`, `/usr/bin/python3` paho scripts).
///
/// Wait on it with `waitForOutput(containing:timeout:)` (e.g. until a subscriber printed that it
/// is subscribed) and `waitForExit(timeout:)`; it is killed on timeout and on deinit, so a test
/// never leaves a process behind. Do not rely on a tool's own timer (`mosquitto_sub -W`): the
/// child may inherit a blocked SIGALRM from the test process; pass `timeout` here instead.
/// `mosquitto_sub` block-buffers stdout into a pipe: run it through `/usr/bin/stdbuf -oL` when
/// waiting for its output line by line.
public final class RunningCommand: Sendable {
    /// The outcome of a finished (or killed) command.
    public struct Result: Sendable {
        public var stdout: String
        public var stderr: String
        /// The exit status, or the signal number when `timedOut`.
        public var exitCode: Int32
        /// True when the command was killed because it outlived its timeout.
        public var timedOut: Bool
        /// stdout split into lines, empty lines dropped.
        public var lines: [String] {
            self.stdout.split(whereSeparator: \.isNewline).map(String.init)
        }
    }

    private let process: Process
    private let output = OutputBuffer()
    public let commandLine: String

    /// Starts `executable` with `arguments`; `stdin` text, if any, is written and closed.
    /// `environment` is added to (and overrides) this process's environment.
    public init(
        _ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        self.process = process
        self.commandLine = ([executable] + arguments).joined(separator: " ")
        try process.run()
        Self.drain(outPipe.fileHandleForReading) { [output] data in output.bytes.withLock { $0.stdout.append(data) } }
        Self.drain(errPipe.fileHandleForReading) { [output] data in output.bytes.withLock { $0.stderr.append(data) } }
        if let stdin {
            inPipe.fileHandleForWriting.write(Data(stdin.utf8))
        }
        try? inPipe.fileHandleForWriting.close()
    }

    deinit {
        self.terminate()
    }

    /// Reads `handle` to its end on a thread of its own, handing each chunk to `append`.
    ///
    /// Blocking reads, not `readabilityHandler`: tearing down the libdispatch read source that
    /// installs races on Linux (swift-corelibs-libdispatch#949) and crashed the test process in
    /// `_dispatch_event_loop_drain` when many commands started and ended at once.
    private static func drain(_ handle: FileHandle, _ append: @escaping @Sendable (Data) -> Void) {
        let thread = Thread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                append(data)
            }
        }
        thread.start()
    }

    /// Everything printed on stdout so far.
    public var stdout: String {
        self.output.bytes.withLock { String(decoding: $0.stdout, as: UTF8.self) }
    }

    /// Everything printed on stderr so far.
    public var stderr: String {
        self.output.bytes.withLock { String(decoding: $0.stderr, as: UTF8.self) }
    }

    public var isRunning: Bool { self.process.isRunning }

    /// The child's process id, to send it signals (SIGTERM, SIGHUP, SIGKILL).
    public var processIdentifier: Int32 { self.process.processIdentifier }

    /// Sends `signal` to the child.
    public func send(signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits until stdout contains `text`; false on timeout or if the process ended without it.
    public func waitForOutput(containing text: String, timeout: Double = 5) async -> Bool {
        await self.wait(for: text, in: { $0.stdout }, timeout: timeout)
    }

    /// Waits until stderr (where daemons log) contains `text`.
    public func waitForStandardError(containing text: String, timeout: Double = 5) async -> Bool {
        await self.wait(for: text, in: { $0.stderr }, timeout: timeout)
    }

    private func wait(for text: String, in stream: (RunningCommand) -> String, timeout: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stream(self).contains(text) { return true }
            if !self.process.isRunning {
                try? await Task.sleep(for: .milliseconds(50))
                return stream(self).contains(text)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return stream(self).contains(text)
    }

    /// Waits for the process to end, killing it (SIGKILL) after `timeout` seconds.
    public func waitForExit(timeout: Double = 10) async -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while self.process.isRunning {
            if Date() >= deadline {
                timedOut = true
                self.terminate()
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        self.process.waitUntilExit()
        // Let the readability handlers drain the pipes.
        try? await Task.sleep(for: .milliseconds(30))
        return Result(
            stdout: self.stdout, stderr: self.stderr, exitCode: self.process.terminationStatus, timedOut: timedOut)
    }

    /// Kills the process with SIGKILL if it still runs.
    public func terminate() {
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
    }

    /// Runs a command to completion (killed after `timeout` seconds) and returns its output.
    public static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil, timeout: Double = 10
    ) async throws -> Result {
        let command = try RunningCommand(executable, arguments, stdin: stdin)
        return await command.waitForExit(timeout: timeout)
    }

    /// Debian's interpreter: the one that can import `python3-paho-mqtt` (a pyenv `python3` on
    /// PATH cannot).
    public static let systemPython = "/usr/bin/python3"

    /// Starts `/usr/bin/python3 -c script args...`.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> RunningCommand {
        try RunningCommand(self.systemPython, ["-u", "-c", script] + arguments)
    }
}

/// The captured bytes, shared with the pipe handlers (which run on Foundation's threads).
private final class OutputBuffer: Sendable {
    let bytes = Mutex((stdout: Data(), stderr: Data()))
}
