import Configuration
import Foundation
import Logging

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

        // Destination patterns are regular expressions whose quantifiers contain commas
        // (`{2,6}`), so the environment provider's comma splitting would break them: that one
        // variable is split on whitespace here instead and layered just above the environment.
        var environment = sources.environment.filter { $0.key.hasPrefix(ConfigurationKey.environmentPrefix) }
        var environmentLists: [AbsoluteConfigKey: ConfigValue] = [:]
        let destinationsKey = ConfigurationKey.commandsAllowDestinations
        if let patterns = environment.removeValue(forKey: destinationsKey.environmentVariable) {
            environmentLists[Self.absoluteKey(destinationsKey.yamlPath)] = ConfigValue(
                .stringArray(patterns.split(whereSeparator: \.isWhitespace).map(String.init)),
                isSecret: false
            )
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
        guard FileManager.default.isReadableFile(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw ConfigError.unreadableConfigFile(path: path, reason: reason)
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

    private static func absoluteKey(_ dottedPath: String) -> AbsoluteConfigKey {
        AbsoluteConfigKey(dottedPath.split(separator: ".").map(String.init))
    }

    // MARK: Sections

    private static func read(_ settings: inout SettingsReader, hostname: String) -> AppConfiguration {
        AppConfiguration(
            ami: Self.readAMI(&settings),
            mqtt: Self.readMQTT(&settings, hostname: hostname),
            model: Self.readModel(&settings),
            commands: Self.readCommands(&settings),
            http: Self.readHTTP(&settings),
            log: Self.readLog(&settings)
        )
    }

    private static func readAMI(_ settings: inout SettingsReader) -> AppConfiguration.AMI {
        let host = settings.string(.amiHost, default: Defaults.amiHost)
        let port = settings.int(.amiPort, default: Defaults.amiPort, range: 1...65535)
        let username = settings.string(.amiUsername)
        if username == nil {
            settings.record(
                .missing(key: ConfigurationKey.amiUsername.yamlPath, hint: "the AMI user from manager.conf")
            )
        }
        let secretFile = settings.string(.amiSecretFile)
        let secret = Self.readSecret(
            &settings,
            valueKey: .amiSecret,
            fileKey: .amiSecretFile,
            file: secretFile,
            required: true
        )
        if let username, let reason = Self.amiValueProblem(username) {
            settings.record(.invalidValue(key: ConfigurationKey.amiUsername.yamlPath, value: username, reason: reason))
        }
        if let secret, let reason = Self.amiValueProblem(secret.value) {
            // The value is a secret: name the key, never echo it.
            settings.record(
                .invalidValue(key: ConfigurationKey.amiSecret.yamlPath, value: Redaction.mask, reason: reason)
            )
        }
        let authType = settings.choice(.amiAuthType, default: AppConfiguration.AMI.AuthType.md5)
        if settings.bool(.amiTLS, default: false) {
            settings.record(
                .unsupported(
                    key: ConfigurationKey.amiTLS.yamlPath,
                    reason: "pbx2mqtt speaks plain TCP to AMI; keep Asterisk local or tunnel it (stunnel, WireGuard)"
                )
            )
        }
        return AppConfiguration.AMI(
            host: host,
            port: port,
            username: username ?? "",
            secret: secret ?? Secret(""),
            secretFile: secretFile,
            authType: authType,
            keepaliveSeconds: settings.int(
                .amiKeepaliveSeconds,
                default: Defaults.amiKeepaliveSeconds,
                range: 0...3600
            ),
            reconnectMaxSeconds: settings.int(
                .amiReconnectMaxSeconds,
                default: Defaults.amiReconnectMaxSeconds,
                range: 1...3600
            ),
            eventFilter: settings.bool(.amiEventFilter, default: true),
            maxPacketSize: settings.int(.amiMaxPacketSize, default: Defaults.amiMaxPacketSize, range: 1024...(64 << 20))
        )
    }

    private static func readMQTT(_ settings: inout SettingsReader, hostname: String) -> AppConfiguration.MQTT {
        let host = settings.string(.mqttHost, default: Defaults.mqttHost)
        let port = settings.int(.mqttPort, default: Defaults.mqttPort, range: 1...65535)
        let clientIDTemplate = settings.string(.mqttClientID, default: Defaults.mqttClientID)
        let clientID = clientIDTemplate.replacingOccurrences(of: "{hostname}", with: hostname)
        if clientID.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            settings.record(
                .invalidValue(
                    key: ConfigurationKey.mqttClientID.yamlPath,
                    value: clientIDTemplate,
                    reason: "must not contain line breaks or NUL"
                )
            )
        }
        let username = settings.string(.mqttUsername)
        let passwordFile = settings.string(.mqttPasswordFile)
        let password = Self.readSecret(
            &settings,
            valueKey: .mqttPassword,
            fileKey: .mqttPasswordFile,
            file: passwordFile,
            required: false
        )
        if password != nil, username == nil {
            settings.record(
                .missing(key: ConfigurationKey.mqttUsername.yamlPath, hint: "a broker password needs a username")
            )
        }
        let tls = Self.readTLS(&settings)
        let protocolVersion = settings.choice(.mqttProtocol, default: AppConfiguration.MQTT.ProtocolVersion.v5)
        let prefix = settings.rawString(.mqttPrefix) ?? Defaults.mqttPrefix
        if let reason = Self.topicPrefixProblem(prefix) {
            settings.record(.invalidValue(key: ConfigurationKey.mqttPrefix.yamlPath, value: prefix, reason: reason))
        }
        let qos = AppConfiguration.MQTT.QoS(
            state: settings.int(.mqttQoSState, default: 1, range: 0...2),
            event: settings.int(.mqttQoSEvent, default: 1, range: 0...2),
            reply: settings.int(.mqttQoSReply, default: 1, range: 0...2)
        )
        return AppConfiguration.MQTT(
            host: host,
            port: port,
            clientID: clientID,
            username: username,
            password: password,
            passwordFile: passwordFile,
            tls: tls,
            protocolVersion: protocolVersion,
            prefix: prefix,
            qos: qos,
            maxQueued: settings.int(.mqttMaxQueued, default: Defaults.mqttMaxQueued, range: 1...10_000_000)
        )
    }

    private static func readTLS(_ settings: inout SettingsReader) -> AppConfiguration.MQTT.TLS? {
        let caFile = settings.string(.mqttTLSCAFile)
        let certFile = settings.string(.mqttTLSCertFile)
        let keyFile = settings.string(.mqttTLSKeyFile)
        guard caFile != nil || certFile != nil || keyFile != nil else {
            return nil
        }
        for (key, path) in [
            (ConfigurationKey.mqttTLSCAFile, caFile), (.mqttTLSCertFile, certFile), (.mqttTLSKeyFile, keyFile),
        ] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                settings.record(.unreadableFile(key: key.yamlPath, path: path, reason: Self.unreadableReason(path)))
            }
        }
        if (certFile == nil) != (keyFile == nil) {
            let missing = certFile == nil ? ConfigurationKey.mqttTLSCertFile : .mqttTLSKeyFile
            settings.record(
                .missing(key: missing.yamlPath, hint: "a client certificate needs both certFile and keyFile")
            )
        }
        return AppConfiguration.MQTT.TLS(caFile: caFile, certFile: certFile, keyFile: keyFile)
    }

    private static func readModel(_ settings: inout SettingsReader) -> AppConfiguration.Model {
        let agentInterface = settings.string(.modelAgentInterface, default: Defaults.agentInterface)
        let agentStateInterface = settings.string(.modelAgentStateInterface, default: Defaults.agentStateInterface)
        for (key, template) in [
            (ConfigurationKey.modelAgentInterface, agentInterface), (.modelAgentStateInterface, agentStateInterface),
        ] {
            if !template.contains(AppConfiguration.Model.agentPlaceholder) {
                settings.record(
                    .missingPlaceholder(key: key.yamlPath, placeholder: AppConfiguration.Model.agentPlaceholder)
                )
            } else if let reason = Self.amiValueProblem(template) {
                settings.record(.invalidValue(key: key.yamlPath, value: template, reason: reason))
            }
        }
        return AppConfiguration.Model(
            agentInterface: agentInterface,
            agentStateInterface: agentStateInterface,
            queues: Self.readIdentifiers(&settings, .modelQueues),
            agents: Self.readIdentifiers(&settings, .modelAgents)
        )
    }

    private static func readIdentifiers(_ settings: inout SettingsReader, _ key: ConfigurationKey) -> [String] {
        let values = settings.list(key) ?? []
        for value in values {
            if let reason = Self.amiValueProblem(value) {
                settings.record(.invalidValue(key: key.yamlPath, value: value, reason: reason))
            }
        }
        return values
    }

    private static func readCommands(_ settings: inout SettingsReader) -> AppConfiguration.Commands {
        let patterns = settings.list(.commandsAllowDestinations) ?? Defaults.allowDestinations
        for pattern in patterns {
            do {
                _ = try Regex(pattern)
            } catch {
                settings.record(
                    .invalidPattern(
                        key: ConfigurationKey.commandsAllowDestinations.yamlPath,
                        pattern: pattern,
                        reason: "\(error)"
                    )
                )
            }
        }
        let context = settings.string(.commandsOriginateContext, default: Defaults.originateContext)
        if context.isEmpty || !context.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) })
        {
            settings.record(
                .invalidValue(
                    key: ConfigurationKey.commandsOriginateContext.yamlPath,
                    value: context,
                    reason: "is not a dialplan context name (letters, digits, '_', '-', '.')"
                )
            )
        }
        return AppConfiguration.Commands(
            allowDestinations: patterns,
            originateContext: context,
            allowRawChannels: settings.bool(.commandsAllowRawChannels, default: false),
            maxInFlight: settings.int(.commandsMaxInFlight, default: Defaults.commandsMaxInFlight, range: 1...100_000),
            timeoutSeconds: settings.int(
                .commandsTimeoutSeconds,
                default: Defaults.commandsTimeoutSeconds,
                range: 1...3600
            )
        )
    }

    private static func readHTTP(_ settings: inout SettingsReader) -> AppConfiguration.HTTP {
        guard let text = settings.string(.httpListen) else {
            return AppConfiguration.HTTP(listen: nil)
        }
        switch ListenAddress.parse(text) {
        case .success(let address):
            return AppConfiguration.HTTP(listen: address)
        case .failure(let failure):
            settings.record(
                .invalidValue(key: ConfigurationKey.httpListen.yamlPath, value: text, reason: failure.reason)
            )
            return AppConfiguration.HTTP(listen: nil)
        }
    }

    private static func readLog(_ settings: inout SettingsReader) -> AppConfiguration.Log {
        var level = Logger.Level.info
        if let text = settings.string(.logLevel) {
            if let parsed = Logger.Level(rawValue: text.lowercased()) {
                level = parsed
            } else {
                settings.record(
                    .unknownValue(
                        key: ConfigurationKey.logLevel.yamlPath,
                        value: text,
                        allowed: Logger.Level.allCases.map(\.rawValue)
                    )
                )
            }
        }
        return AppConfiguration.Log(level: level, format: settings.choice(.logFormat, default: .text))
    }

    // MARK: Validation helpers

    /// Reads a secret given either inline or as a file; exactly one of the two may be set.
    private static func readSecret(
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
            guard let contents = FileManager.default.contents(atPath: path),
                let text = String(data: contents, encoding: .utf8)
            else {
                settings.record(.unreadableFile(key: fileKey.yamlPath, path: path, reason: Self.unreadableReason(path)))
                return nil
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
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

    private static func unreadableReason(_ path: String) -> String {
        if !FileManager.default.fileExists(atPath: path) {
            return "no such file"
        }
        return FileManager.default.isReadableFile(atPath: path) ? "not UTF-8 text" : "permission denied"
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
    private static func amiValueProblem(_ value: String) -> String? {
        // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
        value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            ? "must not contain CR, LF or NUL" : nil
    }
}
