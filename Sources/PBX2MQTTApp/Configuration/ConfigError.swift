/// One problem found in the configuration, naming the YAML key it concerns.
///
/// The loader collects every problem it finds (see ``InvalidConfiguration``) so an operator
/// fixes a file in one pass instead of one error per restart. Messages never contain the value
/// of a secret key.
enum ConfigError: Error, Sendable, Equatable {
    /// A required key has no value in any source.
    case missing(key: String, hint: String)
    /// A value could not be read as the expected type (`integer`, `boolean`, `list`, …).
    case wrongType(key: String, value: String, expected: String)
    /// A number lies outside the range the key accepts.
    case outOfRange(key: String, value: Int, range: ClosedRange<Int>)
    /// A value is not one of the accepted words.
    case unknownValue(key: String, value: String, allowed: [String])
    /// Two keys that exclude each other are both set.
    case conflicting(key: String, otherKey: String)
    /// A file named by the key cannot be read.
    case unreadableFile(key: String, path: String, reason: String)
    /// A pattern in an allow-list is not a valid regular expression.
    case invalidPattern(key: String, pattern: String, reason: String)
    /// A template lacks the placeholder that makes it useful.
    case missingPlaceholder(key: String, placeholder: String)
    /// A value is syntactically wrong for its purpose (topic prefix, address, identifier).
    case invalidValue(key: String, value: String, reason: String)
    /// A feature is recognised but deliberately not implemented.
    case unsupported(key: String, reason: String)
    /// The configuration file itself cannot be read or parsed.
    case unreadableConfigFile(path: String, reason: String)
    /// TLS files that exist but do not load (not PEM, key not matching the certificate).
    case invalidTLSFiles(key: String, reason: String)

    /// The YAML path of the key the problem concerns (`--config` for the file itself).
    var key: String {
        switch self {
        case .missing(let key, _), .wrongType(let key, _, _), .outOfRange(let key, _, _),
            .unknownValue(let key, _, _), .conflicting(let key, _), .unreadableFile(let key, _, _),
            .invalidPattern(let key, _, _), .missingPlaceholder(let key, _), .invalidValue(let key, _, _),
            .unsupported(let key, _), .invalidTLSFiles(let key, _):
            return key
        case .unreadableConfigFile:
            return "--config"
        }
    }
}

extension ConfigError: CustomStringConvertible {
    /// `key: reason`, one line, suitable for stderr.
    var description: String {
        switch self {
        case .missing(let key, let hint):
            return "\(key): missing; \(hint)"
        case .wrongType(let key, let value, let expected):
            return "\(key): '\(value)' is not \(expected)"
        case .outOfRange(let key, let value, let range):
            return "\(key): \(value) is outside \(range.lowerBound)...\(range.upperBound)"
        case .unknownValue(let key, let value, let allowed):
            return "\(key): unknown value '\(value)'; expected one of \(allowed.joined(separator: ", "))"
        case .conflicting(let key, let otherKey):
            return "\(key): set together with \(otherKey); set only one of them"
        case .unreadableFile(let key, let path, let reason):
            return "\(key): cannot read '\(path)': \(reason)"
        case .invalidPattern(let key, let pattern, let reason):
            return "\(key): '\(pattern)' is not a valid regular expression: \(reason)"
        case .missingPlaceholder(let key, let placeholder):
            return "\(key): template must contain \(placeholder)"
        case .invalidValue(let key, let value, let reason):
            return "\(key): '\(value)' \(reason)"
        case .unsupported(let key, let reason):
            return "\(key): not supported: \(reason)"
        case .unreadableConfigFile(let path, let reason):
            return "--config: cannot load '\(path)': \(reason)"
        case .invalidTLSFiles(let key, let reason):
            return "\(key): \(reason)"
        }
    }
}
