import Foundation

/// Reads the files a configuration names (the YAML file, `ami.secretFile`,
/// `mqtt.passwordFile`) without trusting what the path points at.
///
/// A plain "read the whole file" never returns for `/dev/zero` or a FIFO nobody writes to,
/// and takes all memory for a huge file, so a typo in a path would hang the daemon at start
/// or on reload. Only regular files (symbolic links followed, as for `/run/secrets`) up to a
/// limit are read; anything else is a reason an operator can act on.
enum BoundedFile {
    /// The limit for the configuration file; the shipped one is under 10 KiB.
    static let configurationLimit = 1 << 20
    /// The limit for a secret or password file.
    static let secretLimit = 64 * 1024

    /// The bytes of the regular file at `path`, at most `limit` of them.
    /// - Throws: a reason to show after the path: missing, permission, not a regular file,
    ///   too large.
    static func read(_ path: String, limit: Int) throws(BoundedFile.Refusal) -> Data {
        try Self.check(path, limit: limit)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Refusal("permission denied") }
        defer { try? handle.close() }
        do {
            // One byte more than allowed tells a file that grew since the check.
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            guard data.count <= limit else { throw Refusal(Self.tooLarge(limit)) }
            return data
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal("cannot be read (\(error.localizedDescription))")
        }
    }

    /// Refuses what ``read(_:limit:)`` would refuse, without reading (for readers that open the
    /// file themselves, such as swift-configuration's file provider).
    static func check(_ path: String, limit: Int) throws(BoundedFile.Refusal) {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath)
        } catch {
            throw Refusal(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw Refusal("not a regular file (a directory, device or pipe); name the file itself")
        }
        if let size = attributes[.size] as? NSNumber, size.intValue > limit {
            throw Refusal(Self.tooLarge(limit))
        }
        guard FileManager.default.isReadableFile(atPath: path) else { throw Refusal("permission denied") }
    }

    private static func tooLarge(_ limit: Int) -> String {
        "larger than \(limit) bytes; is this the right file?"
    }

    /// Why a file was not read.
    struct Refusal: Error, Sendable, Equatable {
        let reason: String

        init(_ reason: String) {
            self.reason = reason
        }
    }
}
