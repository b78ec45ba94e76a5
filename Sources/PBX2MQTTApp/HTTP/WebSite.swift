import NIOPosix
import PBXCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The web pages (`http.web`): the wallboard and the agent page, read from `http.webDirectory`
/// on every request, plus `/config.json` telling them where the broker is.
///
/// Files are served from a folder rather than embedded, so an operator can restyle the pages
/// without rebuilding and packages install them in one place (`/usr/share/pbx2mqtt/web`);
/// the default `web` is the checkout's folder when the daemon runs from the repository.
/// Only what ``WebPath`` admits is read, and a resolved file must still lie inside the folder
/// (a symbolic link pointing out of it is refused as well).
struct WebSite: Sendable, Equatable {
    /// The folder, absolute and with symbolic links resolved.
    let root: String
    /// `http.webBrokerUrl`; the demo fills in its own broker's WebSocket listener.
    var brokerURL: String?

    /// Largest file served; the pages and the MQTT.js bundle are far smaller.
    static let maxFileSize = 4 << 20

    /// Why a web folder cannot be used.
    enum OpenError: Error, CustomStringConvertible, Equatable {
        case notAFolder
        case noIndex

        var description: String {
            switch self {
            case .notAFolder:
                return "not a readable folder: point http.webDirectory at pbx2mqtt's web/ folder"
            case .noIndex:
                return "holds no index.html: point http.webDirectory at pbx2mqtt's web/ folder"
            }
        }
    }

    /// Checks that `directory` (relative to the working directory) is a folder with an `index.html`.
    static func open(directory: String) -> Result<String, OpenError> {
        let url = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath()
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard attributes?[.type] as? FileAttributeType == .typeDirectory else {
            return .failure(.notAFolder)
        }
        guard FileManager.default.isReadableFile(atPath: url.appendingPathComponent("index.html").path) else {
            return .failure(.noIndex)
        }
        return .success(url.path)
    }

    /// Whether `text` is a WebSocket URL a browser can open.
    static func isBrokerURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host else {
            return false
        }
        return (scheme == "ws" || scheme == "wss") && !host.isEmpty
    }

    /// `/config.json`: `{"prefix":…,"broker":…}` (broker left out when unknown).
    func configJSON(prefix: String) -> [UInt8] {
        var object = "{\"prefix\":\(JSONString.quoted(prefix))"
        if let brokerURL = self.brokerURL {
            object += ",\"broker\":\(JSONString.quoted(brokerURL))"
        }
        return Array((object + "}\n").utf8)
    }

    /// The file's bytes, read on NIO's blocking-I/O thread pool; nil when it does not exist,
    /// is not a regular file inside the folder, or is too large.
    func read(_ path: WebPath) async -> [UInt8]? {
        let root = self.root
        return try? await NIOThreadPool.singleton.runIfActive {
            let url = path.segments.reduce(URL(fileURLWithPath: root, isDirectory: true)) {
                $0.appendingPathComponent($1)
            }
            let resolved = url.resolvingSymlinksInPath().path
            guard resolved.hasPrefix(root + "/") else { return nil }
            let attributes = try FileManager.default.attributesOfItem(atPath: resolved)
            guard attributes[.type] as? FileAttributeType == .typeRegular,
                let size = attributes[.size] as? Int, size <= Self.maxFileSize
            else { return nil }
            return Array(try Data(contentsOf: URL(fileURLWithPath: resolved)))
        }
    }
}
