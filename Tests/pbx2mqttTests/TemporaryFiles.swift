import Foundation

/// A scratch directory for one test, removed by ``remove()``.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("pbx2mqttTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: String, permissions: Int? = nil) throws -> String {
        let fileURL = self.url.appendingPathComponent(name)
        try Data(contents.utf8).write(to: fileURL)
        if let permissions {
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: fileURL.path)
        }
        return fileURL.path
    }

    func path(_ name: String) -> String {
        self.url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.url)
    }
}
