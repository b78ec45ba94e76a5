import PBXCore

/// The documents generated from the ``ConfigurationKey`` table: the example file
/// `Config/pbx2mqtt.yaml` and the reference `docs/configuration.md`.
///
/// Generated rather than written so that neither can drift from the keys the loader knows;
/// `pbx2mqtt config-reference` prints them and a test fails when a committed copy differs.
enum ConfigurationReference {
    /// The syntax of a generated document.
    enum Format: String, Sendable, CaseIterable {
        /// The documented example configuration, loadable as it is.
        case yaml
        /// The reference table of every key.
        case markdown

        /// Where the committed copy lives, relative to the repository root.
        var committedPath: String {
            switch self {
            case .yaml: "Config/pbx2mqtt.yaml"
            case .markdown: "docs/configuration.md"
            }
        }
    }

    /// The document in `format`, ending with a newline.
    static func render(_ format: Format, keys: [ConfigurationKey] = ConfigurationKey.all) -> String {
        switch format {
        case .yaml: Self.yaml(keys)
        case .markdown: Self.markdown(keys)
        }
    }

    /// The command that regenerates the committed copy of `format`.
    static func regenerateCommand(_ format: Format) -> String {
        "swift run pbx2mqtt config-reference --format \(format.rawValue) > \(format.committedPath)"
    }

    // MARK: Facts both documents state

    /// The keys whose environment variable is split on whitespace instead of commas.
    static func whitespaceListVariables(_ keys: [ConfigurationKey]) -> [String] {
        keys.filter { $0.valueType == .list && $0.listSeparator == .whitespace }.map(\.environmentVariable)
    }

    /// What values a key takes, in words.
    static func allowedValues(_ key: ConfigurationKey) -> String {
        switch key.valueType {
        case .text: "text"
        case .integer(let range): "\(range.lowerBound)...\(range.upperBound)"
        case .boolean: "true, false"
        case .choice(let words): words.joined(separator: ", ")
        case .list:
            key.listSeparator == .whitespace
                ? "list (environment: separated by spaces)" : "list (environment: separated by commas)"
        }
    }

    // MARK: YAML

    private static func yaml(_ keys: [ConfigurationKey]) -> String {
        var lines = [
            "# pbx2mqtt configuration: every key with its default, or an example when it has none.",
            "# Generated from the configuration table by `\(Self.regenerateCommand(.yaml))`:",
            "# edit the table (Sources/PBX2MQTTApp/Configuration/ConfigurationKey+Table.swift), not this file.",
            "# Every key is explained in docs/configuration.md.",
            "#",
            "# Sources, highest precedence first: command-line flags, PBX2MQTT_* environment variables,",
            "# this file, built-in defaults. Every key has all three names, e.g.",
            "#   ami.secretFile  =  PBX2MQTT_AMI_SECRET_FILE  =  --ami-secret-file",
            "# (environment: PBX2MQTT_ + the path upper-cased, camelCase split by '_').",
            "# Validate with:  pbx2mqtt check-config --config /etc/pbx2mqtt/pbx2mqtt.yaml",
            "# An empty value means \"unset\". Lists in environment variables are comma-separated"
                + Self.whitespaceExceptions(keys) + ".",
        ]
        var openSections: [String] = []
        for key in keys {
            let components = key.yamlPath.split(separator: ".").map(String.init)
            let sections = Array(components.dropLast())
            var shared = 0
            while shared < min(sections.count, openSections.count), sections[shared] == openSections[shared] {
                shared += 1
            }
            for depth in shared..<sections.count {
                if depth == 0 { lines.append("") }
                lines.append(Self.indent(depth) + sections[depth] + ":")
            }
            openSections = sections
            let pad = Self.indent(sections.count)
            lines.append(pad + "# " + Self.yamlComment(key))
            lines += Self.yamlValueLines(key, name: components.last ?? key.yamlPath, pad: pad)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func whitespaceExceptions(_ keys: [ConfigurationKey]) -> String {
        let variables = Self.whitespaceListVariables(keys)
        guard !variables.isEmpty else { return "" }
        return ", except\n# " + variables.joined(separator: ", ") + ", whose items are separated by spaces"
    }

    private static func indent(_ depth: Int) -> String {
        String(repeating: "  ", count: depth)
    }

    /// The comment line above a key: summary, allowed values, and whether it is required.
    private static func yamlComment(_ key: ConfigurationKey) -> String {
        var parts = [key.summary]
        switch key.valueType {
        case .integer: parts.append("Range " + Self.allowedValues(key) + ".")
        case .choice: parts.append("One of " + Self.allowedValues(key) + ".")
        case .text, .boolean, .list: break
        }
        if key.isRequired { parts.append("Required.") }
        return parts.joined(separator: " ")
    }

    /// The key's line(s): its default; else its example, commented out unless the key is
    /// required and not a secret (a secret never sits in an example file).
    private static func yamlValueLines(_ key: ConfigurationKey, name: String, pad: String) -> [String] {
        switch key.defaultValue {
        case .none:
            let example = key.example.map { " " + JSONString.quoted($0) } ?? ""
            let line = name + ":" + example
            return [pad + (key.isRequired && !key.isSecret ? line : "# " + line)]
        case .text(let text):
            return [pad + name + ": " + JSONString.quoted(text)]
        case .integer(let number):
            return [pad + name + ": " + String(number)]
        case .boolean(let flag):
            return [pad + name + ": " + (flag ? "true" : "false")]
        case .list(let values):
            guard !values.isEmpty else { return [pad + name + ": []"] }
            return [pad + name + ":"] + values.map { pad + "  - " + JSONString.quoted($0) }
        }
    }
}
