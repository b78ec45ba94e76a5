import Logging
import PBXCore

/// The effective configuration as an ordered list of `yamlPath → value`, secrets masked.
///
/// `check-config` prints it as YAML or JSON, and ``AppConfiguration``'s `description` uses the
/// YAML form, so no rendering path can reveal a secret.
package struct EffectiveConfiguration: Sendable, Equatable {
    /// A rendered value.
    enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case list([String])
        /// Unset optional key.
        case null
        /// A secret that is set; shown as ``Redaction/mask``.
        case masked
    }

    /// Output syntax of ``render(as:)``.
    package enum Format: String, Sendable, CaseIterable {
        case yaml
        case json
    }

    /// Entries in ``ConfigurationKey/all`` order.
    let entries: [(path: String, value: Value)]

    package static func == (lhs: EffectiveConfiguration, rhs: EffectiveConfiguration) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.path == $1.path && $0.value == $1.value }
    }

    /// Each key's value in `configuration`, as its ``ConfigurationKey`` row shows it.
    init(_ configuration: AppConfiguration) {
        self.entries = ConfigurationKey.all.map { key in (key.yamlPath, key.effective(configuration)) }
    }

    /// The configuration as text in `format`.
    func render(as format: Format) -> String {
        let tree = Self.tree(self.entries)
        switch format {
        case .yaml:
            return Self.yaml(tree, indent: 0).joined(separator: "\n")
        case .json:
            return Self.json(tree)
        }
    }

    // MARK: Rendering

    /// A section or a leaf, keeping the order keys were first seen in.
    private indirect enum Node {
        case leaf(Value)
        case section([(String, Node)])
    }

    private static func tree(_ entries: [(path: String, value: Value)]) -> [(String, Node)] {
        var root: [(String, Node)] = []
        for entry in entries {
            Self.insert(entry.value, at: entry.path.split(separator: ".").map(String.init)[...], into: &root)
        }
        return root
    }

    private static func insert(_ value: Value, at path: ArraySlice<String>, into nodes: inout [(String, Node)]) {
        guard let head = path.first else {
            return
        }
        let rest = path.dropFirst()
        if rest.isEmpty {
            nodes.append((head, .leaf(value)))
            return
        }
        if let index = nodes.firstIndex(where: { $0.0 == head }), case .section(var children) = nodes[index].1 {
            Self.insert(value, at: rest, into: &children)
            nodes[index].1 = .section(children)
        } else {
            var children: [(String, Node)] = []
            Self.insert(value, at: rest, into: &children)
            nodes.append((head, .section(children)))
        }
    }

    private static func yaml(_ nodes: [(String, Node)], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for (key, node) in nodes {
            switch node {
            case .section(let children):
                lines.append("\(pad)\(key):")
                lines += Self.yaml(children, indent: indent + 2)
            case .leaf(.list(let values)):
                if values.isEmpty {
                    lines.append("\(pad)\(key): []")
                } else {
                    lines.append("\(pad)\(key):")
                    lines += values.map { "\(pad)  - \(JSONString.quoted($0))" }
                }
            case .leaf(let value):
                lines.append("\(pad)\(key): \(Self.scalar(value))")
            }
        }
        return lines
    }

    private static func json(_ nodes: [(String, Node)]) -> String {
        let members = nodes.map { key, node -> String in
            switch node {
            case .section(let children):
                return "\(JSONString.quoted(key)):\(Self.json(children))"
            case .leaf(.list(let values)):
                return "\(JSONString.quoted(key)):[\(values.map(JSONString.quoted).joined(separator: ","))]"
            case .leaf(let value):
                return "\(JSONString.quoted(key)):\(Self.scalar(value))"
            }
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A scalar in syntax valid for both YAML and JSON.
    private static func scalar(_ value: Value) -> String {
        switch value {
        case .string(let text):
            return JSONString.quoted(text)
        case .int(let number):
            return String(number)
        case .bool(let flag):
            return flag ? "true" : "false"
        case .list(let values):
            return "[" + values.map(JSONString.quoted).joined(separator: ",") + "]"
        case .null:
            return "null"
        case .masked:
            return JSONString.quoted(Redaction.mask)
        }
    }
}

extension AppConfiguration: CustomStringConvertible {
    /// The effective configuration as YAML with secrets masked; safe to log or print.
    var description: String {
        EffectiveConfiguration(self).render(as: .yaml)
    }
}
