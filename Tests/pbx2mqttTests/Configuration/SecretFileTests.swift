import Foundation
import Logging
import PBXTestSupport
import Testing

@testable import PBX2MQTTApp

/// Files that hold secrets (the AMI secret, the broker password, TLS private keys): their
/// paths may be shown, their contents never, and a file others can read is warned about.
@Suite struct SecretFileTests {
    static let secret = "file-AMI-s3cret"
    static let password = "file-broker-pa55"

    /// A configuration whose four secret files have the given modes, with AMI TLS and MQTT TLS
    /// client keys from the test PKI (copied so their modes can be set).
    static func load(
        in directory: TemporaryDirectory, modes: [String: Int], extraFlags: [String: String] = [:]
    ) async throws -> AppConfiguration {
        let pki = try await TestCertificates.shared()
        let key = try String(contentsOfFile: pki.clientKeyFile, encoding: .utf8)
        let files = [
            "ami-secret": Self.secret + "\n", "mqtt-password": Self.password + "\n", "ami-client.key": key,
            "mqtt-client.key": key,
        ]
        for (name, contents) in files {
            try directory.write(name, contents, permissions: modes[name] ?? 0o600)
        }
        var flags: [String: ConfigurationSources.FlagValue] = [
            "ami.username": .string("pbx2mqtt"), "ami.secretFile": .string(directory.path("ami-secret")),
            "ami.tls": .bool(true), "ami.port": .string("5039"), "ami.tlsCaFile": .string(pki.caFile),
            "ami.tlsCertFile": .string(pki.clientCertFile), "ami.tlsKeyFile": .string(directory.path("ami-client.key")),
            "mqtt.username": .string("bridge"), "mqtt.passwordFile": .string(directory.path("mqtt-password")),
            "mqtt.tls.caFile": .string(pki.caFile), "mqtt.tls.certFile": .string(pki.clientCertFile),
            "mqtt.tls.keyFile": .string(directory.path("mqtt-client.key")),
        ]
        for (key, value) in extraFlags {
            flags[key] = .string(value)
        }
        return try await ConfigurationLoader.load(ConfigurationSources(environment: [:], flags: flags))
    }

    /// Should warn about each secret or key file readable by group or others, naming the file
    /// and its mode, without refusing the configuration; 0600 files get no warning.
    @Test func readableSecretFilesAreWarnedAbout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try await Self.load(
            in: directory,
            modes: ["ami-secret": 0o644, "mqtt-password": 0o640, "ami-client.key": 0o604, "mqtt-client.key": 0o600])
        let warnings = ConfigurationWarning.of(configuration)
        #expect(
            warnings == [
                .secretFileReadable(key: "ami.secretFile", path: directory.path("ami-secret"), mode: 0o644),
                .secretFileReadable(key: "mqtt.passwordFile", path: directory.path("mqtt-password"), mode: 0o640),
                .secretFileReadable(key: "ami.tlsKeyFile", path: directory.path("ami-client.key"), mode: 0o604),
            ])
        let text = warnings.map(\.description).joined(separator: "\n")
        #expect(text.contains("ami.secretFile: '\(directory.path("ami-secret"))'"))
        #expect(text.contains("(mode 0644)") && text.contains("(mode 0640)") && text.contains("(mode 0604)"))
        #expect(text.contains("chmod 600"))
        #expect(!text.contains(Self.secret) && !text.contains(Self.password) && !text.contains("PRIVATE KEY"))

        let quiet = try await Self.load(in: directory, modes: [:])
        #expect(ConfigurationWarning.of(quiet).isEmpty)
    }

    /// Should warn when hostname verification is off or TLS is pointed at the clear-text port.
    @Test func weakenedAMITLSIsWarnedAbout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try await Self.load(
            in: directory, modes: [:], extraFlags: ["ami.tlsVerifyHostname": "false", "ami.port": "5038"])
        #expect(ConfigurationWarning.of(configuration) == [.amiHostnameUnverified, .amiTLSOnClearTextPort])
        #expect(configuration.ami.tls?.verifyHostname == false)
        #expect(ConfigurationWarning.amiHostnameUnverified.description.hasPrefix("ami.tlsVerifyHostname: false"))
    }

    /// Should log each warning at start as one structured line (key, file, mode) with no secret.
    @Test func warningsAreLoggedStructured() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try await Self.load(in: directory, modes: ["ami-secret": 0o644])
        let sink = InMemoryLogSink()
        let logger = LoggingBootstrap.makeLogger(
            label: "test", log: AppConfiguration.Log(level: .trace, format: .json),
            redaction: Redaction(configuration: configuration), sink: sink)
        CommandSupport.logWarnings(configuration, logger: logger)
        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object[DaemonLogKey.configKey] as? String == "ami.secretFile")
        #expect(object[DaemonLogKey.file] as? String == directory.path("ami-secret"))
        #expect(object[DaemonLogKey.fileMode] as? String == "0644")
        #expect(!line.contains(Self.secret))
    }

    /// Should show the TLS file paths in check-config's output (paths are not secret) but
    /// never a secret or a private key's contents, in YAML and JSON.
    @Test(arguments: EffectiveConfiguration.Format.allCases)
    func checkConfigShowsKeyPathsNotContents(format: EffectiveConfiguration.Format) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try await Self.load(in: directory, modes: [:])
        let output = CheckConfigCommand.report(configuration, format: format)
        #expect(output.contains(directory.path("ami-client.key")))
        #expect(output.contains(directory.path("mqtt-client.key")))
        #expect(output.contains(directory.path("ami-secret")))
        #expect(output.contains("tlsVerifyHostname"))
        #expect(!output.contains(Self.secret))
        #expect(!output.contains(Self.password))
        #expect(!output.contains("PRIVATE KEY"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains(Self.secret) && !dumped.contains(Self.password))
    }

    /// Should print the warnings of the real `check-config` on standard error and still exit 0.
    @Test func checkConfigProcessPrintsWarnings() async throws {
        let executable = RepositoryFiles.root.appendingPathComponent(".build/debug/pbx2mqtt").path
        try #require(FileManager.default.isExecutableFile(atPath: executable), "run swift build --build-tests first")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let secretFile = try directory.write("ami-secret", Self.secret + "\n", permissions: 0o644)
        let result = try await ProcessRunner.run([
            executable, "check-config", "--ami-username", "pbx2mqtt", "--ami-secret-file", secretFile,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "pbx2mqtt: warning: ami.secretFile: '\(secretFile)' holds a secret but is readable by group or others (mode 0644)"
            ), "\(result.stderr)")
        #expect(!result.stdout.contains(Self.secret) && !result.stderr.contains(Self.secret))
        #expect(result.stdout.contains(secretFile))
    }
}
