import Logging

/// A closed set of words a configuration key takes, with the one it takes when unset.
///
/// The default lives on the type so the loader, `--help` and the generated reference all
/// read the same value; ``ConfigurationKey``'s choice initialiser takes the allowed words
/// and the default from here.
protocol ConfigurationChoice: RawRepresentable<String>, CaseIterable, Sendable {
    /// The value when no source sets the key.
    static var defaultChoice: Self { get }
}

extension AppConfiguration.AMI.AuthType: ConfigurationChoice {
    /// Challenge-response: the secret never crosses the wire.
    static var defaultChoice: Self { .md5 }
}

extension AppConfiguration.MQTT.ProtocolVersion: ConfigurationChoice {
    /// MQTT 5, for response topics and correlation data.
    static var defaultChoice: Self { .v5 }
}

extension AppConfiguration.Log.Format: ConfigurationChoice {
    /// Human-readable lines.
    static var defaultChoice: Self { .text }
}

extension Logger.Level: ConfigurationChoice {
    /// Connections, reloads and refusals, without per-event noise.
    static var defaultChoice: Self { .info }
}
