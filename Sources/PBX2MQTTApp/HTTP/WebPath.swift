/// The file a request path names inside the web folder, decided from the text alone.
///
/// Pure, so path traversal is tested without a file system: a request is served only when
/// every decoded segment is a plain name (no `.`/`..`, no hidden `.name`, no `\`, NUL or
/// control characters, no `/` smuggled in as `%2F`) and its extension is one of ``contentTypes``.
/// Anything else is `nil`, which the server answers 404 — the same as a missing file, so a
/// probe learns nothing about what exists outside the folder.
struct WebPath: Sendable, Equatable {
    /// The segments under the web folder, e.g. `["vendor", "mqtt.min.js"]`.
    let segments: [String]
    /// The `Content-Type` of the file.
    let contentType: String

    /// The only file kinds served: the pages, their scripts, styles and images.
    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "json": "application/json",
        "png": "image/png",
        "svg": "image/svg+xml",
        "ico": "image/x-icon",
    ]

    /// Longest request path considered (longer ones are refused unread).
    static let maxLength = 1024

    /// The file `uri` names (query and fragment ignored; `/` and `…/` mean `index.html`), or nil.
    init?(uri: String) {
        guard uri.utf8.count <= Self.maxLength else { return nil }
        let path = uri.prefix { $0 != "?" && $0 != "#" }
        guard path.first == "/" else { return nil }
        var segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.last == "" {
            segments[segments.count - 1] = "index.html"
        }
        var decoded: [String] = []
        for segment in segments {
            guard let name = Self.percentDecoded(segment), Self.isPlainName(name) else { return nil }
            decoded.append(name)
        }
        guard let last = decoded.last, let dot = last.lastIndex(of: "."),
            let type = Self.contentTypes[String(last[last.index(after: dot)...]).lowercased()]
        else { return nil }
        self.segments = decoded
        self.contentType = type
    }

    /// A name that stays inside its folder: not empty, not hidden (`.`, `..`, `.git`), no
    /// separators or control characters.
    static func isPlainName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("."), name.utf8.count <= 255 else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar != "/" && scalar != "\\" && scalar != ":" && scalar.value >= 0x20 && scalar.value != 0x7F
        }
    }

    /// `%XX` decoded as UTF-8; nil for a malformed escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
