import Foundation

/// The raw AMI transcripts captured from a real Asterisk 22, kept in the repository under
/// `Tests/Fixtures` so that a plain clone has everything its tests replay.
public enum Fixtures {
    /// The subfolder of the later call-feature captures (park, transfers, hold, DND,
    /// ringall, queue statistics). They sit apart so that code listing the top-level
    /// transcripts (the golden replays) takes them in only deliberately.
    public static let callFeaturesFolder = "call-features"

    /// The fixtures folder: `PBX2MQTT_FIXTURES` when set (to run the tests against other
    /// captures), else `<repo>/Tests/Fixtures`.
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["PBX2MQTT_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return self.repositoryRoot
            .appendingPathComponent("Tests", isDirectory: true)
            .appendingPathComponent("Fixtures", isDirectory: true)
    }

    /// The checkout's root, found from this source file's path.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // PBXTestSupport
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // root
    }

    /// Names of the top-level received-bytes transcripts (`*.ami`), sorted; the
    /// `call-features/` ones are not among them (see `callFeatureTranscriptNames()`).
    public static func transcriptNames() throws -> [String] {
        try self.transcripts(in: self.directory)
    }

    /// Paths, relative to `directory`, of the `call-features/` transcripts
    /// (`call-features/park-pickup.ami`), sorted; `bytes(_:)` and `text(_:)` take them as they are.
    public static func callFeatureTranscriptNames() throws -> [String] {
        try self.transcripts(in: self.directory.appendingPathComponent(self.callFeaturesFolder, isDirectory: true))
            .map { self.callFeaturesFolder + "/" + $0 }
    }

    /// The bytes of one fixture file.
    public static func bytes(_ name: String) throws -> [UInt8] {
        let data = try Data(contentsOf: self.directory.appendingPathComponent(name))
        return [UInt8](data)
    }

    /// The text of one fixture file.
    public static func text(_ name: String) throws -> String {
        String(decoding: try self.bytes(name), as: UTF8.self)
    }

    private static func transcripts(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".ami") }
            .sorted()
    }
}
