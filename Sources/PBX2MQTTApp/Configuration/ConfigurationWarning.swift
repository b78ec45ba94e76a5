import Foundation

/// Something a valid configuration does that an operator should fix, reported (by
/// `check-config` on standard error and by the daemon in its log at start and reload) but never
/// refused: a secret readable by other users, a TLS check turned off.
enum ConfigurationWarning: Sendable, Equatable {
    /// A file holding a secret (or a private key) can be read by its group or by everyone.
    case secretFileReadable(key: String, path: String, mode: Int)
    /// `ami.tlsVerifyHostname: false`: any certificate the CA signed passes as Asterisk.
    case amiHostnameUnverified
    /// `ami.tls: true` on 5038, Asterisk's clear-text port (its TLS port is tlsbindport, 5039).
    case amiTLSOnClearTextPort

    /// The keys whose files hold secrets: their contents are secret, their paths are not.
    static let secretFileKeys: [ConfigurationKey] = [
        .amiSecretFile, .mqttPasswordFile, .amiTLSKeyFile, .mqttTLSKeyFile,
    ]

    /// Every warning `configuration` deserves, in key order.
    static func of(_ configuration: AppConfiguration) -> [ConfigurationWarning] {
        var warnings: [ConfigurationWarning] = []
        let paths: [(ConfigurationKey, String?)] = [
            (.amiSecretFile, configuration.ami.secretFile), (.mqttPasswordFile, configuration.mqtt.passwordFile),
            (.amiTLSKeyFile, configuration.ami.tls?.keyFile), (.mqttTLSKeyFile, configuration.mqtt.tls?.keyFile),
        ]
        for case (let key, let path?) in paths {
            if let mode = Self.permissions(of: path), mode & 0o044 != 0 {
                warnings.append(.secretFileReadable(key: key.yamlPath, path: path, mode: mode))
            }
        }
        if let tls = configuration.ami.tls {
            if !tls.verifyHostname {
                warnings.append(.amiHostnameUnverified)
            }
            if configuration.ami.port == ConfigurationKey.amiPort.defaultInteger {
                warnings.append(.amiTLSOnClearTextPort)
            }
        }
        return warnings
    }

    /// The permission bits of the file at `path` (following links), or nil when it cannot be read.
    static func permissions(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_mode) & 0o777
    }

    /// The key the warning concerns.
    var key: String {
        switch self {
        case .secretFileReadable(let key, _, _): key
        case .amiHostnameUnverified: ConfigurationKey.amiTLSVerifyHostname.yamlPath
        case .amiTLSOnClearTextPort: ConfigurationKey.amiPort.yamlPath
        }
    }

    /// The permission bits as `chmod` spells them, e.g. `0644`.
    static func octal(_ mode: Int) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension ConfigurationWarning: CustomStringConvertible {
    /// `key: what is wrong; what to do`, one line.
    var description: String {
        switch self {
        case .secretFileReadable(let key, let path, let mode):
            "\(key): '\(path)' holds a secret but is readable by group or others (mode \(Self.octal(mode))); "
                + "run chmod 600 on it (or hand it over with systemd LoadCredential=)"
        case .amiHostnameUnverified:
            "\(self.key): false; Asterisk's certificate is not checked against ami.host, so anyone holding a "
                + "certificate from the same CA can pose as Asterisk; reissue the certificate for ami.host instead"
        case .amiTLSOnClearTextPort:
            "\(self.key): ami.tls is true but ami.port is 5038, Asterisk's clear-text port; its TLS port is "
                + "manager.conf tlsbindport (5039 by default)"
        }
    }
}
