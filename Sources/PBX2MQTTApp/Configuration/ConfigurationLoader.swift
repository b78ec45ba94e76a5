import Configuration
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Builds an ``AppConfiguration`` from ``ConfigurationSources`` with swift-configuration.
///
/// Precedence, highest first: flags, `PBX2MQTT_*` environment variables, the YAML file,
/// built-in defaults. Every problem is collected and thrown together as
/// ``InvalidConfiguration``; nothing half-valid is ever returned.
enum ConfigurationLoader {
    /// Loads and validates the configuration.
    /// - Throws: ``InvalidConfiguration`` listing every problem, each naming its YAML key.
    static func load(_ sources: ConfigurationSources) async throws(InvalidConfiguration) -> AppConfiguration {
        let providers: [any ConfigProvider]
        do {
            providers = try await Self.providers(for: sources)
        } catch let error as ConfigError {
            throw InvalidConfiguration(errors: [error])
        } catch {
            throw InvalidConfiguration(errors: [
                .unreadableConfigFile(path: sources.configFile ?? "", reason: "\(error)")
            ])
        }
        var settings = SettingsReader(reader: ConfigReader(providers: providers))
        let configuration = Self.read(&settings, hostname: sources.hostname)
        guard settings.errors.isEmpty else {
            throw InvalidConfiguration(errors: settings.errors)
        }
        return configuration
    }

    // MARK: Providers

    /// The provider stack, highest precedence first.
    private static func providers(for sources: ConfigurationSources) async throws -> [any ConfigProvider] {
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        let secretPaths = Set(ConfigurationKey.all.filter(\.isSecret).map(\.yamlPath))
        for (path, value) in sources.flags {
            let content: ConfigContent
            switch value {
            case .string(let text):
                content = .string(text)
            case .list(let values):
                content = .stringArray(values)
            case .bool(let flag):
                content = .string(flag ? "true" : "false")
            }
            flagValues[Self.absoluteKey(path)] = ConfigValue(content, isSecret: secretPaths.contains(path))
        }

        // Lists whose items contain commas themselves (regex quantifiers such as `{2,6}`) would
        // be broken by the environment provider's comma splitting: those variables are split
        // on whitespace here instead and layered just above the environment.
        var environment = sources.environment.filter { $0.key.hasPrefix(ConfigurationKey.environmentPrefix) }
        var environmentLists: [AbsoluteConfigKey: ConfigValue] = [:]
        for key in ConfigurationKey.all where key.listSeparator == .whitespace {
            if let items = environment.removeValue(forKey: key.environmentVariable) {
                environmentLists[Self.absoluteKey(key.yamlPath)] = ConfigValue(
                    .stringArray(items.split(whereSeparator: \.isWhitespace).map(String.init)),
                    isSecret: key.isSecret
                )
            }
        }
        let secretVariables = Set(ConfigurationKey.all.filter(\.isSecret).map(\.environmentVariable))

        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flagValues),
            InMemoryProvider(name: "environment-lists", values: environmentLists),
            EnvironmentVariablesProvider(
                environmentVariables: environment,
                secretsSpecifier: .specific(secretVariables)
            ).prefixKeys(with: ConfigKey(["pbx2mqtt"])),
        ]
        if let path = sources.configFile {
            providers.append(try await Self.yamlProvider(path: path))
        }
        return providers
    }

    /// A provider over the YAML file at `path`.
    private static func yamlProvider(path: String) async throws -> FileProvider<YAMLSnapshot> {
        do {
            try BoundedFile.check(path, limit: BoundedFile.configurationLimit)
        } catch {
            throw ConfigError.unreadableConfigFile(path: path, reason: error.reason)
        }
        // The file path travels through a ConfigReader because FileProvider's path initialiser
        // takes a SystemPackage.FilePath, a module this target does not depend on.
        let locator = ConfigReader(
            provider: InMemoryProvider(values: [
                Self.absoluteKey("filePath"): ConfigValue(.string(path), isSecret: false)
            ])
        )
        let secrets = Set(ConfigurationKey.all.filter(\.isSecret).map(\.yamlPath))
        do {
            return try await FileProvider<YAMLSnapshot>(
                parsingOptions: .init(secretsSpecifier: .dynamic { key, _ in secrets.contains(key) }),
                config: locator
            )
        } catch {
            throw ConfigError.unreadableConfigFile(path: path, reason: "not valid YAML: \(error)")
        }
    }

    static func absoluteKey(_ dottedPath: String) -> AbsoluteConfigKey {
        AbsoluteConfigKey(dottedPath.split(separator: ".").map(String.init))
    }
}
