#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The reference table of every key, `docs/configuration.md`.
extension ConfigurationReference {
    static func markdown(_ keys: [ConfigurationKey]) -> String {
        var lines = [
            "# Configuration reference",
            "",
            "<!-- Generated from the configuration table by `\(Self.regenerateCommand(.markdown))`:",
            "     edit Sources/PBX2MQTTApp/Configuration/ConfigurationKey+Table.swift, not this file. -->",
            "",
            "pbx2mqtt reads every key below from three sources besides its built-in default; the",
            "first that sets a key wins:",
            "",
            "1. the command-line flag (`run`, `demo` and `check-config` take them all);",
            "2. the environment variable: `PBX2MQTT_` plus the YAML path upper-cased, camelCase split",
            "   by `_`;",
            "3. the YAML file given by `--config` (or `$\(ConfigurationKey.configFileEnvironmentVariable)`);"
                + " [`Config/pbx2mqtt.yaml`](../Config/pbx2mqtt.yaml)",
            "   is the documented example, generated from the same table as this page.",
            "",
            "An empty value means unset. Lists take a YAML list, a repeated flag, or an environment",
            "variable separated by commas" + Self.markdownWhitespaceExceptions(keys) + ".",
            "Secrets are masked in `check-config` output and in logs; prefer their file keys or",
            "the environment over flags, which other users can read in the process list.",
            "`pbx2mqtt check-config` prints the effective value of every key; an invalid value",
            "names its key and exits 78.",
            "",
            "| YAML path | environment variable | flag | default | allowed values | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for key in keys {
            let cells = [
                Self.code(key.yamlPath),
                Self.code(key.environmentVariable),
                Self.flagCell(key),
                Self.defaultCell(key),
                Self.cell(Self.allowedValues(key)),
                Self.cell(Self.meaning(key)),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func markdownWhitespaceExceptions(_ keys: [ConfigurationKey]) -> String {
        let variables = Self.whitespaceListVariables(keys)
        guard !variables.isEmpty else { return "" }
        return ", except " + variables.map(Self.code).joined(separator: ", ")
            + ", whose items (regular expressions with commas in them) are separated by spaces"
    }

    private static func flagCell(_ key: ConfigurationKey) -> String {
        key.valueType == .boolean
            ? Self.code(key.flag) + " / " + Self.code("--no-" + key.longFlagName) : Self.code(key.flag)
    }

    private static func defaultCell(_ key: ConfigurationKey) -> String {
        switch key.defaultValue {
        case .none: return key.isRequired ? "required" : "unset"
        case .list(let values) where values.isEmpty: return "empty"
        case .list(let values): return values.map(Self.code).joined(separator: ", ")
        case let value: return Self.code(ConfigurationKey.plainText(value))
        }
    }

    private static func meaning(_ key: ConfigurationKey) -> String {
        var text = key.summary
        if let example = key.example, key.defaultValue == .none { text += " Example: `\(example)`." }
        if key.isSecret { text += " Secret: masked in check-config and logs." }
        return text
    }

    /// Text as a table cell: `|` would end the cell, a line break the row.
    private static func cell(_ text: String) -> String {
        text.replacing("|", with: "\\|").replacing("\n", with: " ")
    }

    private static func code(_ text: String) -> String {
        "`" + Self.cell(text) + "`"
    }
}
