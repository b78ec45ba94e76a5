import Foundation

/// The files of this checkout as git tracks them, for checks over the whole repository.
enum RepositoryFiles {
    /// The checkout's root, found from this source file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Repository
        .deletingLastPathComponent()  // pbx2mqttTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// Whether the sources are a git checkout (a worktree has a `.git` file, a clone a
    /// folder); a source archive has neither and nothing to ask git about.
    static var isGitCheckout: Bool {
        FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".git").path)
    }

    /// Paths of every tracked file, relative to `root`.
    static func tracked() throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", Self.root.path, "ls-files", "-z"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read before waiting: a listing larger than the pipe's buffer would otherwise block git.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GitFailure(status: process.terminationStatus)
        }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Raw AMI wire captures (`*.ami`, `*.ami.sent`): byte-exact evidence of what Asterisk
    /// sent, never edited, so no rule about the repository's own text applies to them.
    static func isRawCapture(_ path: String) -> Bool {
        path.hasPrefix("Tests/Fixtures/") && (path.hasSuffix(".ami") || path.hasSuffix(".sent"))
    }

    struct GitFailure: Error, CustomStringConvertible {
        var status: Int32
        var description: String { "git ls-files exited with status \(self.status)" }
    }
}
