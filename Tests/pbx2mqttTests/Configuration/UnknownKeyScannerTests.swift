import Foundation
import Testing

@testable import pbx2mqtt

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

    /// Should report a whole unknown section once, not each key inside it.
    @Test func unknownSectionIsReportedOnce() {
        let yaml = "amii:\n  host: x\n  port: 1\nlog:\n  level: info\n"
        #expect(UnknownKeyScanner.unknownKeys(inYAML: yaml) == ["amii"])
    }
}
