import Foundation
import Testing

/// A user clones only this repository, so nothing tracked may lean on the folder that once
/// sat beside it (fixtures, design notes): a link or path into it works here and breaks
/// in every fresh clone.
@Suite struct SelfContainedRepositoryTests {
    /// The parent-relative path of that old sibling folder, assembled from pieces so that
    /// this file does not hold the text it looks for.
    static let siblingFolder = [".", ".", "/", "sha", "red"].joined()

    /// Should find no tracked file (raw AMI captures aside) that refers to the sibling folder.
    @Test(.enabled(if: RepositoryFiles.isGitCheckout))
    func noTrackedFileReachesOutsideTheRepository() throws {
        let files = try RepositoryFiles.tracked()
        #expect(files.contains("README.md"))
        #expect(files.contains("Sources/PBXTestSupport/Fixtures.swift"))
        var offenders: [String] = []
        for file in files where !RepositoryFiles.isRawCapture(file) {
            let data = try Data(contentsOf: RepositoryFiles.root.appendingPathComponent(file))
            offenders += Self.mentions(in: String(decoding: data, as: UTF8.self), file: file)
        }
        #expect(offenders.isEmpty, "refers to \(Self.siblingFolder): \(offenders.joined(separator: ", "))")
    }

    /// Should point at the file and line of every mention, so the check above can fail and
    /// says where.
    @Test func reportsEachMentionWithItsLine() {
        #expect(Self.siblingFolder.hasPrefix("../") && Self.siblingFolder.dropFirst(3) == "shared")
        let text = "# Title\nsee [cli](\(Self.siblingFolder)/design/cli.md)\nfine: docs/cli.md\n\(Self.siblingFolder)\n"
        #expect(Self.mentions(in: text, file: "README.md") == ["README.md:2", "README.md:4"])
        #expect(Self.mentions(in: "see [cli](docs/cli.md)\n", file: "README.md").isEmpty)
    }

    /// `file:line` of each line of `text` that holds the sibling folder's path.
    static func mentions(in text: String, file: String) -> [String] {
        guard text.contains(Self.siblingFolder) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.contains(Self.siblingFolder) }
            .map { "\(file):\($0.offset + 1)" }
    }
}
