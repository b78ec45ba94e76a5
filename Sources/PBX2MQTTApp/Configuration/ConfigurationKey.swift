/// One configuration key, declared once: its names in every source, the values it takes, its
/// default, what it means and whether it is a secret.
///
/// The rows are in `ConfigurationKey+Table.swift`. Everything else derives from them: the
/// flags of ``ConfigOptions`` (name and help), the environment variable names, the ranges and
/// defaults the loader applies, `check-config`'s output, the unknown-key warning, and the
/// generated `Config/pbx2mqtt.yaml` and `docs/configuration.md` (`pbx2mqtt config-reference`).
/// Names are a contract (docs/configuration.md): a row's path, flag and environment variable never change.
struct ConfigurationKey: Sendable {
    /// What kind of value a key takes, and which values are valid.
    enum ValueType: Sendable, Hashable {
        /// Any text (further rules, such as a template's placeholder, live in the loader).
        case text
        /// A whole number within the range.
        case integer(ClosedRange<Int>)
        /// `true/false` (also `yes/no`, `on/off`, `1/0`).
        case boolean
        /// One of these words, case-insensitive.
        case choice([String])
        /// A list of texts; one value counts as a one-element list.
        case list
    }

    /// The value a key has when no source sets it.
    enum DefaultValue: Sendable, Hashable {
        /// Unset: the key is optional (or required, see ``isRequired``).
        case none
        case text(String)
        case integer(Int)
        case boolean(Bool)
        case list([String])
    }

    /// How a list is split when it comes from an environment variable.
    enum ListSeparator: Sendable, Hashable {
        /// `a,b,c`, swift-configuration's own splitting.
        case comma
        /// `a b c`: for values that contain commas themselves (regex quantifiers `{2,6}`).
        case whitespace
    }

    /// The dotted YAML path, for example `ami.secretFile`.
    let yamlPath: String
    /// The long flag, for example `--ami-secret-file`.
    let flag: String
    /// What values the key takes.
    let valueType: ValueType
    /// The built-in default, the lowest-precedence source.
    let defaultValue: DefaultValue
    /// One line saying what the key does (docs, `--help`, the example file).
    let summary: String
    /// A value to show in the example file and the docs for a key without a default.
    let example: String?
    /// Whether a valid configuration must set the key (alone or through an alternative key).
    let isRequired: Bool
    /// Whether the value is a secret that must never be printed.
    let isSecret: Bool
    /// How the environment variable of a list key is split.
    let listSeparator: ListSeparator
    /// The key's value in a loaded configuration, as `check-config` prints it.
    let effective: @Sendable (AppConfiguration) -> EffectiveConfiguration.Value

    init(
        _ yamlPath: String,
        flag: String,
        _ valueType: ValueType,
        default defaultValue: DefaultValue = .none,
        summary: String,
        example: String? = nil,
        isRequired: Bool = false,
        isSecret: Bool = false,
        listSeparator: ListSeparator = .comma,
        effective: @escaping @Sendable (AppConfiguration) -> EffectiveConfiguration.Value
    ) {
        self.yamlPath = yamlPath
        self.flag = flag
        self.valueType = valueType
        self.defaultValue = defaultValue
        self.summary = summary
        self.example = example
        self.isRequired = isRequired
        self.isSecret = isSecret
        self.listSeparator = listSeparator
        self.effective = effective
    }

    /// A key whose values are the cases of `Choice`; allowed values and default come from it.
    init<Choice: ConfigurationChoice>(
        _ yamlPath: String,
        flag: String,
        choice: Choice.Type,
        summary: String,
        effective: @escaping @Sendable (AppConfiguration) -> EffectiveConfiguration.Value
    ) {
        self.init(
            yamlPath,
            flag: flag,
            .choice(Choice.allCases.map(\.rawValue)),
            default: .text(Choice.defaultChoice.rawValue),
            summary: summary,
            effective: effective
        )
    }

    /// The environment variable: `PBX2MQTT_` plus the path, camelCase split by underscores.
    var environmentVariable: String {
        var result = Self.environmentPrefix
        for (index, component) in self.yamlPath.split(separator: ".").enumerated() {
            if index > 0 {
                result += "_"
            }
            var previous: Character?
            for character in component {
                if let previous, previous.isLowercase, character.isUppercase {
                    result += "_"
                }
                result += (character.isLetter || character.isNumber) ? character.uppercased() : "_"
                previous = character
            }
        }
        return result
    }

    /// The flag without its dashes, as ArgumentParser's `.customLong` takes it.
    var longFlagName: String {
        String(self.flag.drop { $0 == "-" })
    }

    /// The prefix every pbx2mqtt environment variable starts with.
    static let environmentPrefix = "PBX2MQTT_"

    /// Environment variable naming the configuration file when `--config` is absent.
    static let configFileEnvironmentVariable = "PBX2MQTT_CONFIG"
}

extension ConfigurationKey: Hashable {
    /// Keys are identified by their path: two rows with one path would be one key.
    static func == (lhs: ConfigurationKey, rhs: ConfigurationKey) -> Bool {
        lhs.yamlPath == rhs.yamlPath
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(self.yamlPath)
    }
}

extension ConfigurationKey {
    /// The default as text, for a text key (empty when it has none).
    var defaultText: String {
        if case .text(let text) = self.defaultValue { return text }
        return ""
    }

    /// The default for an integer key (the range's lower bound when it has none).
    var defaultInteger: Int {
        if case .integer(let value) = self.defaultValue { return value }
        if case .integer(let range) = self.valueType { return range.lowerBound }
        return 0
    }

    /// The default for a boolean key (false when it has none).
    var defaultBoolean: Bool {
        if case .boolean(let value) = self.defaultValue { return value }
        return false
    }

    /// The default for a list key (empty when it has none).
    var defaultList: [String] {
        if case .list(let values) = self.defaultValue { return values }
        return []
    }

    /// The range of an integer key (every `Int` for other keys).
    var range: ClosedRange<Int> {
        if case .integer(let range) = self.valueType { return range }
        return Int.min...Int.max
    }

    /// The `--help` text of the key's flag: the summary, `note` if any, and the default or
    /// "required".
    func help(note: String? = nil) -> String {
        let text = note.map { "\(self.summary) \($0)" } ?? self.summary
        switch (self.defaultValue, self.isRequired) {
        case (.none, true): return "\(text) (required)"
        case (.none, false): return text
        case (let value, _): return "\(text) (default: \(Self.plainText(value)))"
        }
    }

    /// A default as a person reads it, without YAML quoting.
    static func plainText(_ value: DefaultValue) -> String {
        switch value {
        case .none: ""
        case .text(let text): text.isEmpty ? "\"\"" : text
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .list(let values): values.isEmpty ? "[]" : values.joined(separator: " ")
        }
    }
}
