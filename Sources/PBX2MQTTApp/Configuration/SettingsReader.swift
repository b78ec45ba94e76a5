import Configuration

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads raw values by ``ConfigurationKey`` from a `ConfigReader`, recording type problems.
///
/// Every value is read as text (or a list of texts) and converted here, so the messages name
/// the YAML key and say what was expected, whichever source the value came from.
struct SettingsReader {
    private let reader: ConfigReader
    /// Problems found so far, in reading order.
    private(set) var errors: [ConfigError] = []

    init(reader: ConfigReader) {
        self.reader = reader
    }

    /// Records a problem found by a later validation step.
    mutating func record(_ error: ConfigError) {
        self.errors.append(error)
    }

    /// A single text value, nil when unset or empty.
    mutating func string(_ key: ConfigurationKey) -> String? {
        guard let value = self.rawString(key), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// A single text value as given, empty included; nil only when unset.
    mutating func rawString(_ key: ConfigurationKey) -> String? {
        let configKey = ConfigKey(key.yamlPath)
        if let value = self.reader.string(forKey: configKey, isSecret: key.isSecret) {
            return value
        }
        if self.reader.stringArray(forKey: configKey, isSecret: key.isSecret) != nil {
            self.errors.append(.wrongType(key: key.yamlPath, value: "(a list)", expected: "a single value"))
        }
        return nil
    }

    /// A text value, or the key's default when unset or empty.
    mutating func text(_ key: ConfigurationKey) -> String {
        self.string(key) ?? key.defaultText
    }

    /// An integer within the key's range, or its default when unset; a bad value is recorded.
    mutating func int(_ key: ConfigurationKey) -> Int {
        guard let text = self.string(key) else {
            return key.defaultInteger
        }
        guard let value = Int(text.trimmingSpaces) else {
            self.errors.append(.wrongType(key: key.yamlPath, value: text, expected: "an integer"))
            return key.defaultInteger
        }
        guard key.range.contains(value) else {
            self.errors.append(.outOfRange(key: key.yamlPath, value: value, range: key.range))
            return key.defaultInteger
        }
        return value
    }

    /// A boolean (`true/false`, `yes/no`, `on/off`, `1/0`), or the key's default when unset.
    mutating func bool(_ key: ConfigurationKey) -> Bool {
        guard let text = self.string(key) else {
            return key.defaultBoolean
        }
        switch text.trimmingSpaces.lowercased() {
        case "true", "yes", "on", "1":
            return true
        case "false", "no", "off", "0":
            return false
        default:
            self.errors.append(.wrongType(key: key.yamlPath, value: text, expected: "a boolean (true/false)"))
            return key.defaultBoolean
        }
    }

    /// One of `Value`'s words, or its ``ConfigurationChoice/defaultChoice`` when unset.
    mutating func choice<Value: ConfigurationChoice>(_ key: ConfigurationKey, as type: Value.Type) -> Value {
        guard let text = self.string(key) else {
            return Value.defaultChoice
        }
        guard let value = Value(rawValue: text.trimmingSpaces.lowercased()) else {
            self.errors.append(
                .unknownValue(key: key.yamlPath, value: text, allowed: Value.allCases.map(\.rawValue))
            )
            return Value.defaultChoice
        }
        return value
    }

    /// A list of texts, or the key's default when unset; a single scalar counts as a
    /// one-element list.
    mutating func list(_ key: ConfigurationKey) -> [String] {
        let configKey = ConfigKey(key.yamlPath)
        if let values = self.reader.stringArray(forKey: configKey, isSecret: key.isSecret) {
            return values.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        }
        if let value = self.reader.string(forKey: configKey, isSecret: key.isSecret) {
            let trimmed = value.trimmingSpaces
            return trimmed.isEmpty ? [] : [trimmed]
        }
        return key.defaultList
    }
}
