import Yams

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Finds keys in a YAML configuration file that pbx2mqtt does not know (typos).
///
/// swift-configuration only answers lookups, so a misspelt key (`ami: {hots: …}`) would be
/// silently ignored. This walks the mappings of the parsed document (Yams, the parser
/// swift-configuration itself reads the file with), so every YAML form counts alike: block
/// and flow mappings, quoted keys, comments, anchors. Results are warnings; a file that does
/// not parse yields none (the loader reports it).
enum UnknownKeyScanner {
    /// Dotted paths in `text` that are neither a known key nor a section of one, in document
    /// order; an unknown section is reported once, not each key inside it.
    static func unknownKeys(inYAML text: String, known: [String] = ConfigurationKey.all.map(\.yamlPath)) -> [String] {
        guard let root = try? Yams.compose(yaml: text), let mapping = root.mapping else {
            return []
        }
        let leaves = Set(known)
        var sections: Set<String> = []
        for path in known {
            var components = path.split(separator: ".").map(String.init)
            while components.count > 1 {
                components.removeLast()
                sections.insert(components.joined(separator: "."))
            }
        }
        var unknown: [String] = []
        Self.walk(mapping, prefix: "", leaves: leaves, sections: sections, into: &unknown)
        return unknown
    }

    /// Unknown keys of the file at `path`; empty when it cannot be read (the loader reports that).
    static func unknownKeys(inFile path: String) -> [String] {
        guard let data = try? BoundedFile.read(path, limit: BoundedFile.configurationLimit) else {
            return []
        }
        return Self.unknownKeys(inYAML: String(decoding: data, as: UTF8.self))
    }

    /// Reports each key of `mapping` that is no known path; descends only into known sections
    /// (a known leaf's value is the loader's to judge, whatever its shape).
    private static func walk(
        _ mapping: Node.Mapping,
        prefix: String,
        leaves: Set<String>,
        sections: Set<String>,
        into unknown: inout [String]
    ) {
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? keyNode.scalar?.string ?? "?"
            let path = prefix.isEmpty ? key : prefix + "." + key
            if leaves.contains(path) {
                continue
            }
            guard sections.contains(path) else {
                unknown.append(path)
                continue
            }
            if let children = value.mapping {
                Self.walk(children, prefix: path, leaves: leaves, sections: sections, into: &unknown)
            }
        }
    }
}
