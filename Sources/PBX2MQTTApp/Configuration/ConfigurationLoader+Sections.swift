import Bridge
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reading each section of the configuration and the rules that span several keys.
extension ConfigurationLoader {
    static func read(_ settings: inout SettingsReader, hostname: String) -> AppConfiguration {
        AppConfiguration(
            ami: Self.readAMI(&settings),
            mqtt: Self.readMQTT(&settings, hostname: hostname),
            model: Self.readModel(&settings),
            commands: Self.readCommands(&settings),
            http: Self.readHTTP(&settings),
            log: Self.readLog(&settings),
            homeAssistant: Self.readHomeAssistant(&settings)
        )
    }

    static func readAMI(_ settings: inout SettingsReader) -> AppConfiguration.AMI {
        let host = settings.text(.amiHost)
        let port = settings.int(.amiPort)
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
        let authType = settings.choice(.amiAuthType, as: AppConfiguration.AMI.AuthType.self)
        let tls = Self.readAMITLS(&settings)
        return AppConfiguration.AMI(
            host: host,
            port: port,
            username: username ?? "",
            secret: secret ?? Secret(""),
            secretFile: secretFile,
            authType: authType,
            keepaliveSeconds: settings.int(.amiKeepaliveSeconds),
            reconnectMaxSeconds: settings.int(.amiReconnectMaxSeconds),
            eventFilter: settings.bool(.amiEventFilter),
            maxPacketSize: settings.int(.amiMaxPacketSize),
            tls: tls
        )
    }

    static func readMQTT(_ settings: inout SettingsReader, hostname: String) -> AppConfiguration.MQTT {
        let host = settings.text(.mqttHost)
        let port = settings.int(.mqttPort)
        let clientIDTemplate = settings.text(.mqttClientID)
        let clientID = clientIDTemplate.replacing("{hostname}", with: hostname)
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
        let protocolVersion = settings.choice(.mqttProtocol, as: AppConfiguration.MQTT.ProtocolVersion.self)
        let prefix = settings.rawString(.mqttPrefix) ?? ConfigurationKey.mqttPrefix.defaultText
        if let reason = Self.topicPrefixProblem(prefix) {
            settings.record(.invalidValue(key: ConfigurationKey.mqttPrefix.yamlPath, value: prefix, reason: reason))
        }
        let qos = AppConfiguration.MQTT.QoS(
            state: settings.int(.mqttQoSState),
            event: settings.int(.mqttQoSEvent),
            reply: settings.int(.mqttQoSReply)
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
            maxQueued: settings.int(.mqttMaxQueued),
            standby: settings.bool(.mqttStandby)
        )
    }

    static func readTLS(_ settings: inout SettingsReader) -> AppConfiguration.MQTT.TLS? {
        let caFile = settings.string(.mqttTLSCAFile)
        let certFile = settings.string(.mqttTLSCertFile)
        let keyFile = settings.string(.mqttTLSKeyFile)
        guard caFile != nil || certFile != nil || keyFile != nil else {
            return nil
        }
        for (key, path) in [
            (ConfigurationKey.mqttTLSCAFile, caFile), (.mqttTLSCertFile, certFile), (.mqttTLSKeyFile, keyFile),
        ] {
            guard let path else { continue }
            do {
                // libmosquitto reads these itself; refuse what it could hang on first.
                try BoundedFile.check(path, limit: BoundedFile.configurationLimit)
            } catch {
                settings.record(.unreadableFile(key: key.yamlPath, path: path, reason: error.reason))
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

    static func readModel(_ settings: inout SettingsReader) -> AppConfiguration.Model {
        let agentInterface = settings.text(.modelAgentInterface)
        let agentStateInterface = settings.text(.modelAgentStateInterface)
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
        let dndDeviceState = settings.text(.modelDNDDeviceState)
        if !dndDeviceState.isEmpty {
            if !dndDeviceState.contains(AppConfiguration.Model.extensionPlaceholder) {
                settings.record(
                    .missingPlaceholder(
                        key: ConfigurationKey.modelDNDDeviceState.yamlPath,
                        placeholder: AppConfiguration.Model.extensionPlaceholder))
            } else if let reason = Self.amiValueProblem(dndDeviceState) {
                settings.record(
                    .invalidValue(
                        key: ConfigurationKey.modelDNDDeviceState.yamlPath, value: dndDeviceState, reason: reason))
            }
        }
        let astDBUserEvent = settings.text(.modelAstDBUserEvent)
        if let reason = Self.amiValueProblem(astDBUserEvent) {
            settings.record(
                .invalidValue(key: ConfigurationKey.modelAstDBUserEvent.yamlPath, value: astDBUserEvent, reason: reason)
            )
        }
        return AppConfiguration.Model(
            agentInterface: agentInterface,
            agentStateInterface: agentStateInterface,
            dndDeviceState: dndDeviceState,
            astDBUserEvent: astDBUserEvent,
            queues: Self.readIdentifiers(&settings, .modelQueues),
            agents: Self.readIdentifiers(&settings, .modelAgents),
            wrapUp: Self.readWrapUp(&settings)
        )
    }

    /// `model.wrapUp`: every entry must parse, name a queue AMI can carry, and each queue
    /// appear once.
    static func readWrapUp(_ settings: inout SettingsReader) -> [String] {
        let key = ConfigurationKey.modelWrapUp
        let values = settings.list(key)
        var queues: Set<String> = []
        for value in values {
            do {
                let rule = try WrapUpRule.parse(value)
                if let reason = Self.amiValueProblem(rule.queue) {
                    settings.record(.invalidValue(key: key.yamlPath, value: value, reason: reason))
                } else if !queues.insert(rule.queue).inserted {
                    settings.record(
                        .invalidValue(
                            key: key.yamlPath, value: value, reason: "queue \(rule.queue) has a wrap-up already"))
                }
            } catch {
                settings.record(.invalidValue(key: key.yamlPath, value: value, reason: error.description))
            }
        }
        return values
    }

    static func readIdentifiers(_ settings: inout SettingsReader, _ key: ConfigurationKey) -> [String] {
        let values = settings.list(key)
        for value in values {
            if let reason = Self.amiValueProblem(value) {
                settings.record(.invalidValue(key: key.yamlPath, value: value, reason: reason))
            }
        }
        return values
    }

    static func readCommands(_ settings: inout SettingsReader) -> AppConfiguration.Commands {
        let patterns = settings.list(.commandsAllowDestinations)
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
        let context = settings.text(.commandsOriginateContext)
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
            allowRawChannels: settings.bool(.commandsAllowRawChannels),
            maxInFlight: settings.int(.commandsMaxInFlight),
            timeoutSeconds: settings.int(.commandsTimeoutSeconds)
        )
    }

    static func readHTTP(_ settings: inout SettingsReader) -> AppConfiguration.HTTP {
        var http = AppConfiguration.HTTP(listen: nil)
        if let text = settings.string(.httpListen) {
            switch ListenAddress.parse(text) {
            case .success(let address):
                http.listen = address
            case .failure(let failure):
                settings.record(
                    .invalidValue(key: ConfigurationKey.httpListen.yamlPath, value: text, reason: failure.reason)
                )
            }
        }
        http.webDirectory = settings.string(.httpWebDirectory) ?? "web"
        http.webBrokerURL = settings.string(.httpWebBrokerURL)
        if let url = http.webBrokerURL, !WebSite.isBrokerURL(url) {
            settings.record(
                .invalidValue(
                    key: ConfigurationKey.httpWebBrokerURL.yamlPath, value: url,
                    reason: "not a ws:// or wss:// URL (for example ws://mqtt.example.com:9001)"))
        }
        guard settings.bool(.httpWeb) else {
            return http
        }
        if http.listen == nil {
            settings.record(
                .missing(
                    key: ConfigurationKey.httpListen.yamlPath,
                    hint: "http.web serves the pages on http.listen: set it too (for example 127.0.0.1:8080)"))
            return http
        }
        switch WebSite.open(directory: http.webDirectory) {
        case .success(let root):
            http.web = WebSite(root: root, brokerURL: http.webBrokerURL)
        case .failure(let reason):
            settings.record(
                .unreadableFile(
                    key: ConfigurationKey.httpWebDirectory.yamlPath, path: http.webDirectory, reason: reason.description
                ))
        }
        return http
    }

    static func readHomeAssistant(_ settings: inout SettingsReader) -> AppConfiguration.HomeAssistant {
        let prefix = settings.text(.homeAssistantDiscoveryPrefix)
        if (try? TopicLayout(prefix: prefix)) == nil {
            settings.record(
                .invalidValue(
                    key: ConfigurationKey.homeAssistantDiscoveryPrefix.yamlPath, value: prefix,
                    reason:
                        "not a topic prefix: no '+', '#', leading '$' or '/', trailing '/' (Home Assistant's default is homeassistant)"
                ))
        }
        return AppConfiguration.HomeAssistant(enabled: settings.bool(.homeAssistantEnabled), discoveryPrefix: prefix)
    }

    static func readLog(_ settings: inout SettingsReader) -> AppConfiguration.Log {
        AppConfiguration.Log(
            level: settings.choice(.logLevel, as: Logger.Level.self),
            format: settings.choice(.logFormat, as: AppConfiguration.Log.Format.self)
        )
    }
}
