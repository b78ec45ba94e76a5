import Foundation

/// The raw AMI transcripts captured from a real Asterisk 22, in `../shared/fixtures` beside
/// the checkout (CI lays `shared/` beside its clone the same way).
public enum Fixtures {
    /// The fixtures folder: `PBX2MQTT_FIXTURES` when set, else `<repo>/../shared/fixtures`.
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["PBX2MQTT_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return self.repositoryRoot
            .deletingLastPathComponent()
            .appendingPathComponent("shared/fixtures", isDirectory: true)
    }

    /// The checkout's root, found from this source file's path.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // PBXTestSupport
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // root
    }

    /// Names of every received-bytes transcript (`*.ami`), sorted.
    public static func transcriptNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: self.directory.path)
            .filter { $0.hasSuffix(".ami") }
            .sorted()
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
}
