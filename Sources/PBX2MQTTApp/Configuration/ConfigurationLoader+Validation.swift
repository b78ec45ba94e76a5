#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Checks shared by several keys: secrets given inline or as a file, readable files, values
/// that must fit into an AMI header or a topic.
extension ConfigurationLoader {
    /// Reads a secret given either inline or as a file; exactly one of the two may be set.
    static func readSecret(
        _ settings: inout SettingsReader,
        valueKey: ConfigurationKey,
        fileKey: ConfigurationKey,
        file: String?,
        required: Bool
    ) -> Secret? {
        let inline = settings.string(valueKey)
        switch (inline, file) {
        case (.some, .some):
            settings.record(.conflicting(key: valueKey.yamlPath, otherKey: fileKey.yamlPath))
            return nil
        case (.some(let value), .none):
            return Secret(value)
        case (.none, .some(let path)):
            let contents: Data
            do {
                contents = try BoundedFile.read(path, limit: BoundedFile.secretLimit)
            } catch {
                settings.record(.unreadableFile(key: fileKey.yamlPath, path: path, reason: error.reason))
                return nil
            }
            guard let text = String(data: contents, encoding: .utf8) else {
                settings.record(.unreadableFile(key: fileKey.yamlPath, path: path, reason: "not UTF-8 text"))
                return nil
            }
            let trimmed = text.trimmingWhitespaceAndNewlines
            guard !trimmed.isEmpty else {
                settings.record(.unreadableFile(key: fileKey.yamlPath, path: path, reason: "the file is empty"))
                return nil
            }
            return Secret(trimmed)
        case (.none, .none):
            if required {
                settings.record(.missing(key: valueKey.yamlPath, hint: "set it or \(fileKey.yamlPath)"))
            }
            return nil
        }
    }

    /// Why `prefix` cannot start every topic, or nil when it can.
    static func topicPrefixProblem(_ prefix: String) -> String? {
        if prefix.isEmpty {
            return "must not be empty"
        }
        if prefix.contains("+") || prefix.contains("#") {
            return "must not contain the MQTT wildcards '+' or '#'"
        }
        if prefix.unicodeScalars.contains("\0") {
            return "must not contain NUL"
        }
        if prefix.hasPrefix("$") {
            return "must not start with '$' (reserved for broker topics)"
        }
        if prefix.hasPrefix("/") || prefix.hasSuffix("/") || prefix.contains("//") {
            return "must not have empty topic levels (leading, trailing or double '/')"
        }
        return nil
    }

    /// Why `value` cannot be placed into an AMI header, or nil when it can.
    static func amiValueProblem(_ value: String) -> String? {
        // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
        value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            ? "must not contain CR, LF or NUL" : nil
    }
}
