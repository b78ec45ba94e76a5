import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs command-line tools for the deploy tests without blocking a concurrency thread.
///
/// Children inherit the test process's blocked signal mask (SIGTERM and SIGALRM included), so
/// `terminate()` and tools' own `-W` timeouts do not work: every stop here is a SIGKILL.
enum ProcessRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `arguments` (first is looked up on PATH) to completion, killing it after `timeout`.
    static func run(_ arguments: [String], timeout: Duration = .seconds(10)) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let (terminations, continuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            continuation.yield(finished.terminationStatus)
            continuation.finish()
        }
        try process.run()
        let pid = process.processIdentifier
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await status in terminations {
                    return status
                }
                return -1
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled {
                    kill(pid, SIGKILL)
                }
                return nil
            }
            var result: Int32 = -1
            while let next = await group.next() {
                if let status = next {
                    result = status
                    group.cancelAll()
                }
            }
            return result
        }
        return Output(
            status: status,
            stdout: String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            stderr: String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        )
    }

    /// Starts a long-running process; the caller stops it with ``stop(_:)``.
    static func start(_ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Stops a process started by ``start(_:log:)`` and reaps it.
    static func stop(_ process: Process) {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// The repository root, found from this source file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Deploy
        .deletingLastPathComponent()  // pbx2mqttTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
}
