import Bridge
import Foundation
import Logging
import PBXTestSupport
import Testing

@testable import PBX2MQTTApp

@Suite struct ConfigurationLoaderTests {
    /// The minimum a valid configuration needs: the AMI user and secret.
    static let required: [String: String] = [
        "PBX2MQTT_AMI_USERNAME": "pbx2mqtt",
        "PBX2MQTT_AMI_SECRET": "s3cr3t-value",
    ]

    /// Loads with the required environment plus `environment`, `flags` and an optional file.
    static func load(
        file: String? = nil,
        environment: [String: String] = [:],
        flags: [String: ConfigurationSources.FlagValue] = [:],
        hostname: String = "pbxhost"
    ) async throws(InvalidConfiguration) -> AppConfiguration {
        try await ConfigurationLoader.load(
            ConfigurationSources(
                configFile: file,
                environment: Self.required.merging(environment) { _, new in new },
                flags: flags,
                hostname: hostname
            )
        )
    }

    /// Loads expecting failure and returns the errors.
    static func errors(
        file: String? = nil,
        environment: [String: String] = [:],
        flags: [String: ConfigurationSources.FlagValue] = [:]
    ) async -> [ConfigError] {
        do {
            _ = try await Self.load(file: file, environment: environment, flags: flags)
            return []
        } catch {
            return error.errors
        }
    }

    /// Should fill every key with the documented default when only the required keys are set.
    @Test func defaultsApplyWhenOnlyRequiredKeysAreSet() async throws {
        let configuration = try await Self.load()
        #expect(configuration.ami.host == "127.0.0.1")
        #expect(configuration.ami.port == 5038)
        #expect(configuration.ami.username == "pbx2mqtt")
        #expect(configuration.ami.secret.value == "s3cr3t-value")
        #expect(configuration.ami.authType == .md5)
        #expect(configuration.ami.eventFilter)
        #expect(configuration.mqtt.host == "127.0.0.1")
        #expect(configuration.mqtt.port == 1883)
        #expect(configuration.mqtt.clientID == "pbx2mqtt-pbxhost")
        #expect(configuration.mqtt.protocolVersion == .v5)
        #expect(configuration.mqtt.prefix == "pbx")
        #expect(configuration.mqtt.qos == .init(state: 1, event: 1, reply: 1))
        #expect(configuration.mqtt.password == nil)
        #expect(configuration.mqtt.tls == nil)
        #expect(configuration.model.agentInterface == "Local/{agent}@agents/n")
        #expect(configuration.model.agentStateInterface == "Custom:{agent}")
        #expect(configuration.model.queues.isEmpty)
        #expect(configuration.commands.allowDestinations == ["^[0-9]{2,6}$"])
        #expect(configuration.commands.originateContext == "from-internal")
        #expect(!configuration.commands.allowRawChannels)
        #expect(configuration.commands.maxInFlight == 100)
        #expect(configuration.commands.timeoutSeconds == 10)
        #expect(configuration.http.listen == nil)
        #expect(configuration.log.level == .info)
        #expect(configuration.log.format == .text)
    }

    /// Should let flags beat environment variables, and environment variables beat the file.
    @Test func flagsBeatEnvironmentBeatFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "pbx2mqtt.yaml",
            """
            ami:
              host: file-host
              port: 5001
              keepaliveSeconds: 7
            mqtt:
              prefix: from-file
              qos:
                state: 0
            model:
              queues: [q1, q2]
            """
        )
        let configuration = try await Self.load(
            file: file,
            environment: ["PBX2MQTT_AMI_HOST": "env-host", "PBX2MQTT_AMI_PORT": "5002", "PBX2MQTT_LOG_LEVEL": "debug"],
            flags: ["ami.host": .string("flag-host"), "log.format": .string("json")]
        )
        #expect(configuration.ami.host == "flag-host")
        #expect(configuration.ami.port == 5002)
        #expect(configuration.ami.keepaliveSeconds == 7)
        #expect(configuration.mqtt.prefix == "from-file")
        #expect(configuration.mqtt.qos.state == 0)
        #expect(configuration.model.queues == ["q1", "q2"])
        #expect(configuration.log.level == .debug)
        #expect(configuration.log.format == .json)
    }

    /// Should read every key from the environment variable docs/configuration.md names.
    @Test func environmentVariableNamesFollowCLIContract() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let secretFile = try directory.write("ami-secret", "from-file\n")
        let configuration = try await ConfigurationLoader.load(
            ConfigurationSources(
                environment: [
                    "PBX2MQTT_AMI_USERNAME": "u",
                    "PBX2MQTT_AMI_SECRET_FILE": secretFile,
                    "PBX2MQTT_AMI_AUTH_TYPE": "plain",
                    "PBX2MQTT_MQTT_CLIENT_ID": "bridge-{hostname}",
                    "PBX2MQTT_MQTT_PROTOCOL": "3.1.1",
                    "PBX2MQTT_MQTT_PREFIX": "acme/pbx",
                    "PBX2MQTT_MODEL_AGENT_INTERFACE": "PJSIP/{agent}",
                    "PBX2MQTT_MODEL_AGENT_STATE_INTERFACE": "PJSIP/{agent}",
                    "PBX2MQTT_MODEL_QUEUES": "sales,support",
                    "PBX2MQTT_COMMANDS_ALLOW_DESTINATIONS": "^[0-9]{2,6}$ ^0[1-9][0-9]{8}$",
                    "PBX2MQTT_HTTP_LISTEN": "127.0.0.1:9108",
                    "PBX2MQTT_LOG_FORMAT": "json",
                    "AMI_HOST": "ignored-without-prefix",
                ],
                hostname: "h1"
            )
        )
        #expect(configuration.ami.secret.value == "from-file")
        #expect(configuration.ami.secretFile == secretFile)
        #expect(configuration.ami.authType == .plain)
        #expect(configuration.ami.host == "127.0.0.1")
        #expect(configuration.mqtt.clientID == "bridge-h1")
        #expect(configuration.mqtt.protocolVersion == .v311)
        #expect(configuration.mqtt.prefix == "acme/pbx")
        #expect(configuration.model.agentInterface == "PJSIP/{agent}")
        #expect(configuration.model.queues == ["sales", "support"])
        #expect(configuration.commands.allowDestinations == ["^[0-9]{2,6}$", "^0[1-9][0-9]{8}$"])
        #expect(configuration.http.listen == ListenAddress(host: "127.0.0.1", port: 9108))
        #expect(configuration.log.format == .json)
    }

    /// Should derive each key's environment variable as docs/configuration.md spells it.
    @Test func environmentVariableNamesAreDerivedFromYAMLPaths() {
        #expect(ConfigurationKey.amiSecretFile.environmentVariable == "PBX2MQTT_AMI_SECRET_FILE")
        #expect(ConfigurationKey.mqttClientID.environmentVariable == "PBX2MQTT_MQTT_CLIENT_ID")
        #expect(
            ConfigurationKey.modelAgentStateInterface.environmentVariable == "PBX2MQTT_MODEL_AGENT_STATE_INTERFACE"
        )
        #expect(
            ConfigurationKey.commandsAllowDestinations.environmentVariable == "PBX2MQTT_COMMANDS_ALLOW_DESTINATIONS"
        )
        #expect(ConfigurationKey.mqttTLSCAFile.environmentVariable == "PBX2MQTT_MQTT_TLS_CA_FILE")
        #expect(Set(ConfigurationKey.all.map(\.environmentVariable)).count == ConfigurationKey.all.count)
        #expect(Set(ConfigurationKey.all.map(\.flag)).count == ConfigurationKey.all.count)
    }

    /// Should trim the secret read from a file and keep the path for reloads.
    @Test func passwordFileIsReadAndTrimmed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("mqtt-password", "  broker-pass \n\n")
        let configuration = try await Self.load(
            flags: ["mqtt.username": .string("bridge"), "mqtt.passwordFile": .string(file)]
        )
        #expect(configuration.mqtt.password?.value == "broker-pass")
        #expect(configuration.mqtt.passwordFile == file)
    }

    /// Should open the web folder (relative to the working directory, the checkout's `web`
    /// by default) only when http.web is on, and carry the broker URL for /config.json.
    @Test func httpWebOpensTheFolder() async throws {
        #expect(try await Self.load().http.web == nil)
        let web = Fixtures.repositoryRoot.appendingPathComponent("web").path
        let configuration = try await Self.load(flags: [
            "http.listen": .string(":8080"), "http.web": .bool(true), "http.webDirectory": .string(web),
            "http.webBrokerUrl": .string("wss://mqtt.example/mqtt"),
        ])
        #expect(configuration.http.web == WebSite(root: web, brokerURL: "wss://mqtt.example/mqtt"))
        #expect(configuration.http.webDirectory == web)
    }

    /// Should accept `:port` as loopback and bracketed IPv6 hosts for http.listen.
    @Test func httpListenDefaultsToLoopbackHost() async throws {
        #expect(
            try await Self.load(flags: ["http.listen": .string(":9108")]).http.listen
                == ListenAddress(host: "127.0.0.1", port: 9108)
        )
        #expect(
            try await Self.load(flags: ["http.listen": .string("[::1]:9108")]).http.listen
                == ListenAddress(host: "::1", port: 9108)
        )
        #expect(
            try await Self.load(flags: ["http.listen": .string("0.0.0.0:9108")]).http.listen
                == ListenAddress(host: "0.0.0.0", port: 9108)
        )
    }

    /// Should name the key and the reason for each kind of invalid value.
    @Test(arguments: [
        (["ami.port": "70000"], "ami.port", "outside 1...65535"),
        (["ami.port": "abc"], "ami.port", "not an integer"),
        (["mqtt.port": "0"], "mqtt.port", "outside"),
        (["ami.authType": "sha1"], "ami.authType", "md5, plain"),
        (["ami.tlsCaFile": "/etc/hostname"], "ami.tls", "set ami.tls to true"),
        (["ami.tls": "true", "ami.tlsCaFile": "/nonexistent/ca.pem"], "ami.tlsCaFile", "no such file"),
        (["ami.tls": "true", "ami.tlsCertFile": "/etc/hostname"], "ami.tlsKeyFile", "needs both"),
        (["ami.tls": "true", "ami.tlsCaFile": "/etc/hostname"], "ami.tls", "PEM certificate"),
        (["ami.tlsVerifyHostname": "maybe"], "ami.tlsVerifyHostname", "boolean"),
        (["ami.eventFilter": "maybe"], "ami.eventFilter", "boolean"),
        (["mqtt.protocol": "4"], "mqtt.protocol", "5, 3.1.1"),
        (["mqtt.prefix": ""], "mqtt.prefix", "empty"),
        (["mqtt.prefix": "pbx/#"], "mqtt.prefix", "wildcards"),
        (["mqtt.prefix": "pbx/+/x"], "mqtt.prefix", "wildcards"),
        (["mqtt.prefix": "pbx/"], "mqtt.prefix", "empty topic levels"),
        (["mqtt.qos.event": "3"], "mqtt.qos.event", "outside 0...2"),
        (["mqtt.password": "p"], "mqtt.username", "needs a username"),
        (["mqtt.tls.caFile": "/nonexistent/ca.pem"], "mqtt.tls.caFile", "no such file"),
        (["model.agentInterface": "PJSIP/agent"], "model.agentInterface", "{agent}"),
        (["model.agentStateInterface": "Custom:x"], "model.agentStateInterface", "{agent}"),
        (["model.wrapUp": "q1:later:30"], "model.wrapUp", "connect or end"),
        (["model.wrapUp": "q1:end:9999"], "model.wrapUp", "0 to 3600"),
        (["commands.allowDestinations": "^[0-9"], "commands.allowDestinations", "regular expression"),
        (["commands.originateContext": "from internal"], "commands.originateContext", "context"),
        (["commands.maxInFlight": "0"], "commands.maxInFlight", "outside"),
        (["http.listen": "9108"], "http.listen", "host:port"),
        (["http.listen": "127.0.0.1:99999"], "http.listen", "port"),
        (["http.web": "true"], "http.listen", "http.web serves the pages on http.listen"),
        (
            ["http.listen": ":8080", "http.web": "true", "http.webDirectory": "/nonexistent"], "http.webDirectory",
            "not a readable folder"
        ),
        (
            ["http.listen": ":8080", "http.web": "true", "http.webDirectory": "/etc"], "http.webDirectory",
            "holds no index.html"
        ),
        (["http.webBrokerUrl": "http://mqtt:9001"], "http.webBrokerUrl", "ws:// or wss://"),
        (["log.level": "verbose"], "log.level", "trace"),
        (["log.format": "xml"], "log.format", "text, json"),
        (["ami.secretFile": "/nonexistent/secret"], "ami.secret", "set only one"),
        (["ami.username": "bridge\r\nAction: Originate"], "ami.username", "CR, LF or NUL"),
        (["ami.secret": "pw\r\nAction: Originate"], "ami.secret", "'********' must not contain CR, LF or NUL"),
    ])
    func invalidValueErrorNamesItsKey(flags: [String: String], key: String, reason: String) async {
        let errors = await Self.errors(flags: flags.mapValues { .string($0) })
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.key == key)
        #expect(errors.first.map { "\($0)".hasPrefix("\(key): ") } == true)
        #expect(errors.first.map { "\($0)".contains(reason) } == true, "\(errors)")
    }

    /// Should take one wrap-up rule per queue, and refuse a second for the same queue.
    @Test func wrapUpRulesAreReadOncePerQueue() async throws {
        let loaded = try await Self.load(flags: ["model.wrapUp": .list(["q1:end:30", "q2:connect:5"])])
        #expect(loaded.model.wrapUp == ["q1:end:30", "q2:connect:5"])
        let errors = await Self.errors(flags: ["model.wrapUp": .list(["q1:end:30", "q1:connect:5"])])
        #expect(errors.map { "\($0)" } == ["model.wrapUp: 'q1:connect:5' queue q1 has a wrap-up already"])
    }

    /// Should report a missing AMI user and secret, naming both keys.
    @Test func missingRequiredKeysAreReported() async {
        do {
            _ = try await ConfigurationLoader.load(ConfigurationSources())
            Issue.record("an empty configuration loaded")
        } catch {
            #expect(error.errors.map(\.key) == ["ami.username", "ami.secret"])
            #expect(error.errors.allSatisfy { if case .missing = $0 { true } else { false } })
        }
    }

    /// Should refuse an unreadable or empty secret file, naming the file key.
    @Test func unreadableOrEmptySecretFileIsReported() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let empty = try directory.write("empty", " \n")
        let environment = ["PBX2MQTT_AMI_SECRET": ""]
        let missingFile = await Self.errors(
            environment: environment,
            flags: ["ami.secretFile": .string(directory.path("nope"))]
        )
        #expect(
            missingFile == [
                .unreadableFile(key: "ami.secretFile", path: directory.path("nope"), reason: "no such file")
            ]
        )
        let emptyFile = await Self.errors(environment: environment, flags: ["ami.secretFile": .string(empty)])
        #expect(emptyFile == [.unreadableFile(key: "ami.secretFile", path: empty, reason: "the file is empty")])
    }

    /// Should collect every problem instead of stopping at the first.
    @Test func allProblemsAreCollected() async {
        let errors = await Self.errors(
            environment: ["PBX2MQTT_AMI_PORT": "x", "PBX2MQTT_MQTT_PREFIX": "#"],
            flags: ["log.level": .string("loud"), "http.listen": .string("nowhere")]
        )
        #expect(errors.map(\.key) == ["ami.port", "mqtt.prefix", "http.listen", "log.level"])
    }

    /// Should report a missing or malformed configuration file against --config.
    @Test func unreadableConfigFileIsReported() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = await Self.errors(file: directory.path("absent.yaml"))
        #expect(missing == [.unreadableConfigFile(path: directory.path("absent.yaml"), reason: "no such file")])
        let malformed = try directory.write("bad.yaml", "ami: [unclosed\n")
        let errors = await Self.errors(file: malformed)
        #expect(errors.count == 1)
        #expect(errors.first?.key == "--config")
    }

    /// Should say a list was given where one value is expected.
    @Test func listWhereScalarExpectedIsReported() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("list.yaml", "ami:\n  host: [a, b]\n")
        let errors = await Self.errors(file: file)
        #expect(errors == [.wrongType(key: "ami.host", value: "(a list)", expected: "a single value")])
    }

    /// Should load the documented example configuration shipped in Config/.
    @Test func shippedExampleConfigurationIsValid() async throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Config/pbx2mqtt.yaml").path
        let configuration = try await ConfigurationLoader.load(
            ConfigurationSources(configFile: example, environment: ["PBX2MQTT_AMI_SECRET": "x"])
        )
        #expect(configuration.ami.username == "pbx2mqtt")
        let policy = CommandPolicy(allowDestinations: configuration.commands.allowDestinations)
        #expect(policy.allows(destination: "147"))
        #expect(!policy.allows(destination: "0900123456"))
    }

    /// Should match destinations against the whole pattern only.
    @Test func destinationAllowListMatchesWholeDestination() {
        let commands = CommandPolicy(allowDestinations: ["[0-9]{2,6}", "0[1-9][0-9]{8}"])
        #expect(commands.allows(destination: "147"))
        #expect(commands.allows(destination: "0612345678"))
        #expect(!commands.allows(destination: "1"))
        #expect(!commands.allows(destination: "147;evil"))
        #expect(!commands.allows(destination: "00441234567890"))
    }
}
