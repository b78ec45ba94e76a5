import Foundation
import Testing

@testable import PBX2MQTTApp

@Suite struct UnknownKeyScannerTests {
    /// Should report misspelt keys with their full path and accept every documented key.
    @Test func reportsMisspeltKeysOnly() {
        let yaml = """
            # comment: with colon
            ami:
              hots: pbx.local          # typo
              port: 5038
            mqtt:
              qos:
                state: 1
                evnt: 1
              tls:
                caFile: /etc/ca.pem
            model:
              queues:
                - "q1: sales"
            prefx: pbx
            commands:
              allowDestinations: ["[0-9]{2,6}"]
            """
        #expect(UnknownKeyScanner.unknownKeys(inYAML: yaml) == ["ami.hots", "mqtt.qos.evnt", "prefx"])
    }

    /// Should find nothing unknown in the shipped example configuration.
    @Test func shippedExampleHasNoUnknownKeys() {
        let path = ProcessRunner.repositoryRoot.appendingPathComponent("Config/pbx2mqtt.yaml").path
        #expect(UnknownKeyScanner.unknownKeys(inFile: path).isEmpty)
    }

    /// Should read keys from the parsed document, whatever the YAML form: flow mappings,
    /// quoted keys, block scalars whose lines look like keys, anchors and merges of values.
    @Test func findsKeysInEveryYAMLForm() {
        let yaml = """
            ami: {hots: pbx.local, port: 5038}
            "mqtt":
              'prefx': pbx
              clientId: >
                looks: like a key
                prefix: too
            model: &m
              agentInterface: Local/{agent}@agents/n
            log: {level: info, colour: true}
            """
        #expect(UnknownKeyScanner.unknownKeys(inYAML: yaml) == ["ami.hots", "mqtt.prefx", "log.colour"])
    }

    /// Should find nothing in a file that does not parse or is not a mapping: the loader
    /// reports those.
    @Test func unparsableDocumentHasNoUnknownKeys() {
        #expect(UnknownKeyScanner.unknownKeys(inYAML: "ami: [unclosed\n").isEmpty)
        #expect(UnknownKeyScanner.unknownKeys(inYAML: "- a\n- b\n").isEmpty)
        #expect(UnknownKeyScanner.unknownKeys(inYAML: "").isEmpty)
    }

    /// Should report a whole unknown section once, not each key inside it.
    @Test func unknownSectionIsReportedOnce() {
        let yaml = "amii:\n  host: x\n  port: 1\nlog:\n  level: info\n"
        #expect(UnknownKeyScanner.unknownKeys(inYAML: yaml) == ["amii"])
    }
}
