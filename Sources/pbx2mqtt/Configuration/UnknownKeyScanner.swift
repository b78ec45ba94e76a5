import Foundation

/// Finds keys in a YAML configuration file that pbx2mqtt does not know (typos).
///
/// swift-configuration only answers lookups, so a misspelt key (`ami: {hots: …}`) would be
/// silently ignored. This scanner reads the block-mapping structure of the file line by line
/// (indentation, `key:`), which covers the documented file format; anything it cannot follow
/// (flow mappings, block scalars) is skipped rather than reported. Results are warnings.
enum UnknownKeyScanner {
    /// Dotted paths in `text` that are neither a known key nor a section of one.
    static func unknownKeys(inYAML text: String, known: [String] = ConfigurationKey.all.map(\.yamlPath)) -> [String] {
        var knownPaths = Set(known)
        for path in known {
            var components = path.split(separator: ".").map(String.init)
            while components.count > 1 {
                components.removeLast()
                knownPaths.insert(components.joined(separator: "."))
            }
        }
        var stack: [(indent: Int, key: String)] = []
        var unknown: [String] = []
        var blockScalarIndent: Int?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine)
            let content = line.drop(while: { $0 == " " })
            let indent = line.count - content.count
            if content.isEmpty || content.hasPrefix("#") {
                continue
            }
            if let scalarIndent = blockScalarIndent {
                if indent > scalarIndent {
                    continue
                }
                blockScalarIndent = nil
            }
            if content.hasPrefix("-") || content.hasPrefix("---") {
                continue
            }
            guard let colon = content.firstIndex(of: ":") else {
                continue
            }
            let key = content[..<colon].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\"'")
            )
            guard !key.isEmpty, !key.contains(" "), !key.contains("{") else {
                continue
            }
            while let last = stack.last, last.indent >= indent {
                stack.removeLast()
            }
            let path = (stack.map(\.key) + [key]).joined(separator: ".")
            if !knownPaths.contains(path), !unknown.contains(where: { path.hasPrefix($0 + ".") }) {
                unknown.append(path)
            }
            stack.append((indent, key))
            let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("|") || value.hasPrefix(">") {
                blockScalarIndent = indent
            }
        }
        return unknown
    }

    /// Unknown keys of the file at `path`; empty when it cannot be read (the loader reports that).
    static func unknownKeys(inFile path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            return []
        }
        return Self.unknownKeys(inYAML: String(decoding: data, as: UTF8.self))
    }
}
