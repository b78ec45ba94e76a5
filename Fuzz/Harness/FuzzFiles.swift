import Foundation

/// Where the harnesses find the repository's files (transcripts), from this source file's path.
enum FuzzFiles {
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Harness
            .deletingLastPathComponent()  // Fuzz
            .deletingLastPathComponent()  // root
            .path
    }
}
