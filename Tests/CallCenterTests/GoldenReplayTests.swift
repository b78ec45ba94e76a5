import AMI
import CallCenter
import Foundation
import PBXTestSupport
import Testing

/// Replays every real transcript through the reducer and compares the changes with the
/// checked-in golden files. Set `CALLCENTER_REGENERATE_GOLDEN=1` to rewrite them (then read
/// the diff before committing).
@Suite struct GoldenReplayTests {
    static let goldenSourceDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Golden", isDirectory: true)

    /// The changes of one transcript, one line each, prefixed with the packet number; the
    /// packet at index i is stamped `(i + 1) * 1000` ms.
    static func replay(_ name: String) throws -> String {
        let messages = try decodeAMIMessages(try Fixtures.bytes(name))
        var state = CallCenterState()
        var lines: [String] = []
        var view: [StateKey: StateValue] = [:]
        for (index, message) in messages.enumerated() {
            let time = CallCenterTime(millisecondsSinceEpoch: Int64(index + 1) * 1000)
            let changes = state.apply(message, at: time)
            CallCenterChange.apply(changes, to: &view)
            for change in changes {
                lines.append("\(index) \(ChangeLine.render(change))")
            }
        }
        // The emitted changes must rebuild exactly the state's own view.
        if view != state.view {
            lines.append("MISMATCH between replayed changes and state.view")
        }
        lines.append("final \(state.view.count) topics")
        for change in state.fullView {
            lines.append("view \(ChangeLine.render(change))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Should produce exactly the golden change sequence for every real transcript, the
    /// call-feature captures (`call-features/…`, golden under `Golden/call-features/`) included.
    @Test(arguments: try Fixtures.transcriptNames() + Fixtures.callFeatureTranscriptNames())
    func replayMatchesGolden(name: String) throws {
        let actual = try Self.replay(name)
        let goldenName = name + ".golden"
        if ProcessInfo.processInfo.environment["CALLCENTER_REGENERATE_GOLDEN"] == "1" {
            let url = Self.goldenSourceDirectory.appendingPathComponent(goldenName)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        // A call-feature name carries its folder; the bundle looks it up as a subdirectory.
        let folder = (goldenName as NSString).deletingLastPathComponent
        let file = (goldenName as NSString).lastPathComponent
        let subdirectory = folder.isEmpty ? "Golden" : "Golden/" + folder
        let url = try #require(Bundle.module.url(forResource: file, withExtension: nil, subdirectory: subdirectory))
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from Golden/\(goldenName)")
        #expect(!actual.contains("MISMATCH"))
    }
}
