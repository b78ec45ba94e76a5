import Foundation
import Testing

@testable import PBX2MQTTApp

/// Files named by a configuration are read only when they are regular files of a sane size:
/// a device, a FIFO or a huge file is a clear error at once, never a hang or all memory.
@Suite struct ConfigurationFileTests {
    static let notRegular = "not a regular file (a directory, device or pipe); name the file itself"

    static func errors(file: String? = nil, flags: [String: ConfigurationSources.FlagValue]) async -> [ConfigError] {
        await ConfigurationLoaderTests.errors(file: file, environment: ["PBX2MQTT_AMI_SECRET": ""], flags: flags)
    }

    /// Should refuse /dev/zero, a directory and a FIFO as the secret file without reading them.
    @Test func refusesSecretFilesThatAreNotRegularFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in ["/dev/zero", directory.url.path, fifo] {
            let errors = await Self.errors(flags: ["ami.secretFile": .string(path)])
            #expect(errors == [.unreadableFile(key: "ami.secretFile", path: path, reason: Self.notRegular)])
        }
    }

    /// Should refuse a secret or password file over 64 KiB, naming its key.
    @Test func refusesHugeSecretFiles() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let huge = try directory.write("huge", String(repeating: "s", count: 64 * 1024 + 1))
        let errors = await ConfigurationLoaderTests.errors(
            flags: ["mqtt.username": .string("u"), "mqtt.passwordFile": .string(huge)])
        #expect(
            errors == [
                .unreadableFile(
                    key: "mqtt.passwordFile", path: huge, reason: "larger than 65536 bytes; is this the right file?")
            ])
        let fits = try directory.write("fits", String(repeating: "s", count: 64 * 1024))
        let fine = await ConfigurationLoaderTests.errors(
            flags: ["mqtt.username": .string("u"), "mqtt.passwordFile": .string(fits)])
        #expect(fine.isEmpty)
    }

    /// Should refuse /dev/zero as the configuration file and as a TLS file.
    @Test func refusesDevicesAsConfigurationAndTLSFiles() async throws {
        let asConfig = await ConfigurationLoaderTests.errors(file: "/dev/zero")
        #expect(asConfig == [.unreadableConfigFile(path: "/dev/zero", reason: Self.notRegular)])
        let asCA = await ConfigurationLoaderTests.errors(flags: ["mqtt.tls.caFile": .string("/dev/zero")])
        #expect(asCA == [.unreadableFile(key: "mqtt.tls.caFile", path: "/dev/zero", reason: Self.notRegular)])
        #expect(UnknownKeyScanner.unknownKeys(inFile: "/dev/zero").isEmpty)
    }

    /// Should run check-config on a FIFO as the configuration to a refusal, not a hang.
    @Test func checkConfigRefusesAFIFO() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.path("config.yaml")
        #expect(mkfifo(fifo, 0o600) == 0)
        let check = await ConfigurationCheck.run(ConfigurationSources(configFile: fifo), report: .effective(.yaml))
        #expect(check.exitCode == InvalidConfiguration.exitCode)
        #expect(check.report == nil)
        #expect(check.messages.contains { $0.contains(Self.notRegular) })
    }
}
