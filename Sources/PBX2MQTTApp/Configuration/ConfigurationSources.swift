#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The inputs a configuration is built from, captured so a SIGHUP reload can rebuild it.
///
/// Tests and the configuration fuzzer construct one with an explicit environment and flags
/// instead of touching the process environment (hence `package`).
package struct ConfigurationSources: Sendable, Equatable {
    /// A value given on the command line.
    package enum FlagValue: Sendable, Equatable {
        case string(String)
        case list([String])
        case bool(Bool)
    }

    /// Path of the YAML file; nil means defaults + environment + flags only.
    var configFile: String?
    /// The environment (only `PBX2MQTT_*` variables are consulted).
    var environment: [String: String]
    /// Flag values keyed by ``ConfigurationKey/yamlPath``.
    var flags: [String: FlagValue]
    /// Substituted for `{hostname}` in `mqtt.clientId`.
    var hostname: String

    package init(
        configFile: String? = nil,
        environment: [String: String] = [:],
        flags: [String: FlagValue] = [:],
        hostname: String = "localhost"
    ) {
        self.configFile = configFile
        self.environment = environment
        self.flags = flags
        self.hostname = hostname
    }

    /// Sources for this process: `--config` (or `PBX2MQTT_CONFIG`), the real environment and
    /// the host name.
    static func process(configFile: String?, flags: [String: FlagValue]) -> ConfigurationSources {
        let environment = ProcessInfo.processInfo.environment
        return ConfigurationSources(
            configFile: configFile ?? environment[ConfigurationKey.configFileEnvironmentVariable],
            environment: environment,
            flags: flags,
            hostname: Self.hostname()
        )
    }

    /// This machine's name (`gethostname`; FoundationEssentials has no `hostName`), for the
    /// default MQTT client id.
    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
