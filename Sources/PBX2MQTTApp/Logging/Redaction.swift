import Logging
import Synchronization

/// Keeps secrets out of log output.
///
/// Two defences: metadata whose key names a secret (`secret`, `password`, `token`, …) is
/// masked whatever its value, and every known secret value (registered from the loaded
/// configuration) is replaced by ``mask`` wherever it appears in a rendered line. The set of
/// known values can be replaced on SIGHUP reload, hence the small lock-protected storage.
final class Redaction: Sendable {
    /// What a secret is shown as.
    static let mask = "********"

    /// Fragments of metadata keys whose values are always masked.
    static let sensitiveKeyFragments = ["secret", "password", "passwd", "token", "authorization", "credential"]

    /// Secret values shorter than this are not scrubbed from text (a one-letter "secret" would
    /// mangle every line); they are still masked wherever they appear as ``Secret`` values.
    static let minimumScrubbedLength = 4

    private let secrets: Mutex<[String]>

    init(secrets: [String] = []) {
        self.secrets = Mutex(Self.normalised(secrets))
    }

    /// A redaction that knows the secrets of `configuration`.
    convenience init(configuration: AppConfiguration) {
        self.init(secrets: Self.secrets(of: configuration))
    }

    /// Replaces the known secret values (after a configuration reload).
    func update(secrets: [String]) {
        let normalised = Self.normalised(secrets)
        self.secrets.withLock { $0 = normalised }
    }

    /// The secret values a configuration holds.
    static func secrets(of configuration: AppConfiguration) -> [String] {
        [configuration.ami.secret.value, configuration.mqtt.password?.value].compactMap { $0 }
    }

    /// Whether a metadata key names a secret.
    static func isSensitive(key: String) -> Bool {
        let lowered = key.lowercased()
        return Self.sensitiveKeyFragments.contains { lowered.contains($0) }
    }

    /// `text` with every known secret value replaced by ``mask``.
    func scrub(_ text: String) -> String {
        let secrets = self.secrets.withLock { $0 }
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        return result
    }

    /// Masks sensitive keys and scrubs known secrets from a metadata value, recursively.
    func redact(_ value: Logger.MetadataValue, key: String) -> Logger.MetadataValue {
        if Self.isSensitive(key: key) {
            return .string(Self.mask)
        }
        switch value {
        case .string(let text):
            return .string(self.scrub(text))
        case .stringConvertible(let convertible):
            return .string(self.scrub(convertible.description))
        case .array(let values):
            return .array(values.map { self.redact($0, key: key) })
        case .dictionary(let dictionary):
            var result: Logger.Metadata = [:]
            for (nestedKey, nestedValue) in dictionary {
                result[nestedKey] = self.redact(nestedValue, key: nestedKey)
            }
            return .dictionary(result)
        }
    }

    /// Longest first, so a secret containing another is replaced whole.
    private static func normalised(_ secrets: [String]) -> [String] {
        Array(Set(secrets.filter { $0.count >= Self.minimumScrubbedLength })).sorted { $0.count > $1.count }
    }
}
