import ArgumentParser
import Foundation
import Testing

@testable import PBX2MQTTApp

@Suite struct CheckConfigTests {
    static let secret = "amisecret-123"
    static let password = "mqttpassword-456"

    static func configuration() async throws -> AppConfiguration {
        try await ConfigurationLoader.load(
            ConfigurationSources(
                environment: ["PBX2MQTT_AMI_USERNAME": "pbx2mqtt", "PBX2MQTT_AMI_SECRET": Self.secret],
                flags: ["mqtt.username": .string("bridge"), "mqtt.password": .string(Self.password)]
            )
        )
    }

    /// Should print the effective configuration with both secrets masked, in YAML and JSON.
    @Test(arguments: EffectiveConfiguration.Format.allCases)
    func outputMasksSecrets(format: EffectiveConfiguration.Format) async throws {
        let output = CheckConfigCommand.report(try await Self.configuration(), format: format)
        #expect(!output.contains(Self.secret))
        #expect(!output.contains(Self.password))
        #expect(output.contains(Redaction.mask))
        #expect(output.contains("pbx2mqtt-"))
    }

    /// Should print JSON that parses and mirrors the YAML paths.
    @Test func jsonOutputParses() async throws {
        let output = CheckConfigCommand.report(try await Self.configuration(), format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let ami = try #require(object["ami"] as? [String: Any])
        #expect(ami["secret"] as? String == Redaction.mask)
        #expect(ami["port"] as? Int == 5038)
        let mqtt = try #require(object["mqtt"] as? [String: Any])
        #expect(mqtt["password"] as? String == Redaction.mask)
        #expect((mqtt["qos"] as? [String: Any])?["state"] as? Int == 1)
        let commands = try #require(object["commands"] as? [String: Any])
        #expect(commands["allowDestinations"] as? [String] == ["^[0-9]{2,6}$"])
        #expect((object["http"] as? [String: Any])?["listen"] is NSNull)
    }

    /// Should never reveal a secret through description, debugDescription or dump.
    @Test func configurationTextNeverRevealsSecrets() async throws {
        let configuration = try await Self.configuration()
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped, "\(configuration.ami)"] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains(Self.password))
        }
    }

    /// Should map every flag of the shared option group onto its YAML path.
    @Test func flagsMapOntoYAMLPaths() throws {
        let command = try CheckConfigCommand.parse([
            "--ami-host", "pbx.example", "--ami-secret-file", "/run/s", "--prefix", "acme",
            "--allow-destination", "^[0-9]{2,6}$", "--allow-destination", "^9[0-9]+$",
            "--no-ami-event-filter", "--queues", "q1,q2", "--queues", "q3", "--http-listen", ":9108",
            "--format", "json",
        ])
        let flags = command.sources.flags
        #expect(flags["ami.host"] == .string("pbx.example"))
        #expect(flags["ami.secretFile"] == .string("/run/s"))
        #expect(flags["mqtt.prefix"] == .string("acme"))
        #expect(flags["commands.allowDestinations"] == .list(["^[0-9]{2,6}$", "^9[0-9]+$"]))
        #expect(flags["ami.eventFilter"] == .bool(false))
        #expect(flags["model.queues"] == .list(["q1", "q2", "q3"]))
        #expect(flags["http.listen"] == .string(":9108"))
        #expect(flags["ami.port"] == nil)
        #expect(command.format == .json)
    }

    /// Should print deploy/manager.conf's eventfilter lines for the default templates and
    /// other lines for other templates, which a reload then sends on a new AMI connection.
    @Test func eventFiltersFollowTheTemplates() async throws {
        let configuration = try await Self.configuration()
        let conf = try String(
            contentsOf: RepositoryFiles.root.appendingPathComponent("deploy/manager.conf"), encoding: .utf8)
        let shipped = conf.split(separator: "\n").filter { $0.hasPrefix("eventfilter = ") }.joined(separator: "\n")
        #expect(CheckConfigCommand.eventFilterReport(configuration) == shipped)
        #expect(try CheckConfigCommand.parse(["--eventfilters"]).eventFilters)

        var pjsip = configuration
        pjsip.model.agentInterface = "PJSIP/{agent}"
        #expect(CheckConfigCommand.eventFilterReport(pjsip).contains("Channel: (PJSIP/[^[:space:]]+"))
        #expect(Daemon.eventFilters(pjsip) != Daemon.eventFilters(configuration))
        var off = configuration
        off.ami.eventFilter = false
        #expect(Daemon.eventFilters(off).isEmpty)
    }

    /// Should exit 78 when the configuration is invalid, as docs/configuration.md promises.
    @Test func invalidConfigurationExits78() async {
        do {
            _ = try await CommandSupport.loadOrExit(ConfigurationSources())
            Issue.record("an empty configuration loaded")
        } catch let exit as ExitCode {
            #expect(exit.rawValue == 78)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Should exit 64 on bad usage, as docs/configuration.md promises.
    @Test func usageErrorsExit64() {
        do {
            _ = try Pbx2MQTT.parseAsRoot(["check-config", "--no-such-flag"])
            Issue.record("an unknown flag parsed")
        } catch {
            #expect(Pbx2MQTT.exitCode(for: error).rawValue == 64)
        }
    }

    /// Should run the demo with simulator credentials and the external broker's address.
    @Test func demoLayersSimulatorCredentialsAndBroker() async throws {
        let command = try DemoCommand.parse(["--broker", "10.0.0.5:1884", "--agents", "50", "--cps", "2"])
        let demo = try command.demoOptions()
        #expect(
            demo
                == DemoOptions(
                    agents: 50,
                    queues: DemoOptions.defaultQueues,
                    callsPerSecond: 2,
                    broker: .external(host: "10.0.0.5", port: 1884)
                )
        )
        var sources = command.sources(demo: demo)
        sources.environment = ["PBX2MQTT_AMI_SECRET_FILE": "/nonexistent"]
        let configuration = try await ConfigurationLoader.load(sources)
        #expect(configuration.ami.username == DemoOptions.simulatorUsername)
        #expect(!configuration.ami.secret.value.isEmpty)
        #expect(configuration.mqtt.host == "10.0.0.5")
        #expect(configuration.mqtt.port == 1884)
        #expect(throws: (any Error).self) { try DemoCommand.parse(["--cps", "0"]) }
    }
}
