import ArgumentParser
import Bridge
import Foundation
import Testing

@testable import PBX2MQTTApp

/// The configuration table is the one source of every key: these tests hold the flags, the
/// loader's defaults and the committed documents to it.
@Suite struct ConfigurationTableTests {
    /// Should ship Config/pbx2mqtt.yaml and docs/configuration.md exactly as the table
    /// generates them; `PBX2MQTT_REGENERATE=1` rewrites them instead.
    @Test(arguments: ConfigurationReference.Format.allCases)
    func committedDocumentMatchesTheTable(format: ConfigurationReference.Format) throws {
        let url = ProcessRunner.repositoryRoot.appendingPathComponent(format.committedPath)
        let generated = ConfigurationReference.render(format)
        if ProcessInfo.processInfo.environment["PBX2MQTT_REGENERATE"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(
            committed == generated,
            """
            \(format.committedPath) differs from the configuration table; regenerate it with
              \(ConfigurationReference.regenerateCommand(format))
            (or PBX2MQTT_REGENERATE=1 swift test --filter ConfigurationTableTests)
            """
        )
    }

    /// Should give every row a default of its own type, inside its range or choices.
    @Test(arguments: ConfigurationKey.all)
    func defaultFitsItsValueType(key: ConfigurationKey) {
        switch (key.valueType, key.defaultValue) {
        case (_, .none):
            #expect(key.example != nil || !key.isRequired, "\(key.yamlPath): a required key needs an example")
        case (.text, .text):
            break
        case (.integer(let range), .integer(let value)):
            #expect(range.contains(value), "\(key.yamlPath): default \(value) outside \(range)")
        case (.boolean, .boolean):
            break
        case (.choice(let words), .text(let word)):
            #expect(words.contains(word), "\(key.yamlPath): default \(word) not among \(words)")
        case (.list, .list):
            break
        default:
            Issue.record("\(key.yamlPath): default \(key.defaultValue) does not fit \(key.valueType)")
        }
        #expect(!key.summary.isEmpty && !key.summary.contains("\n"), "\(key.yamlPath): one summary line")
        #expect(key.defaultValue == .none || key.example == nil, "\(key.yamlPath): example unused beside a default")
    }

    /// Should accept every row's flag on the command line and hand it to the loader under the
    /// row's path, so no key lacks its flag.
    @Test(arguments: ConfigurationKey.all)
    func everyKeyHasItsFlag(key: ConfigurationKey) throws {
        let arguments = key.valueType == .boolean ? [key.flag] : [key.flag, "1"]
        let command = try CheckConfigCommand.parse(arguments)
        #expect(command.sources.flags[key.yamlPath] != nil, "\(key.flag) does not set \(key.yamlPath)")
        #expect(command.sources.flags.count == 1)
    }

    /// Should keep each name unique and in its documented form.
    @Test func namesAreUniqueAndWellFormed() {
        let keys = ConfigurationKey.all
        #expect(Set(keys.map(\.yamlPath)).count == keys.count)
        #expect(Set(keys.map(\.flag)).count == keys.count)
        #expect(Set(keys.map(\.environmentVariable)).count == keys.count)
        for key in keys {
            #expect(key.flag.hasPrefix("--") && key.flag == "--" + key.longFlagName)
            #expect(key.environmentVariable.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" })
        }
    }

    /// Should apply each row's default when nothing sets the key: check-config then prints
    /// exactly the table's defaults.
    @Test func loaderAppliesTheTableDefaults() async throws {
        let configuration = try await ConfigurationLoader.load(
            ConfigurationSources(
                environment: ["PBX2MQTT_AMI_USERNAME": "u", "PBX2MQTT_AMI_SECRET": "s"], hostname: "h")
        )
        let effective = Dictionary(
            uniqueKeysWithValues: EffectiveConfiguration(configuration).entries.map { ($0.path, $0.value) })
        for key in ConfigurationKey.all where key.defaultValue != .none {
            let expected: EffectiveConfiguration.Value
            switch key.defaultValue {
            case .none: continue
            case .text(let text): expected = .string(text.replacingOccurrences(of: "{hostname}", with: "h"))
            case .integer(let value): expected = .int(value)
            case .boolean(let flag): expected = .bool(flag)
            case .list(let values): expected = .list(values)
            }
            #expect(effective[key.yamlPath] == expected, "\(key.yamlPath)")
        }
        #expect(configuration.commands.allowDestinations == CommandPolicy.defaultDestinations)
    }
}
