import Foundation
import Logging
import Testing

@testable import PBX2MQTTApp

@Suite struct PBXLogHandlerTests {
    static let secret = "s3cr3t-AMI-value"
    static let password = "broker-pa55word"

    static func configuration() async throws -> AppConfiguration {
        try await ConfigurationLoader.load(
            ConfigurationSources(
                environment: [
                    "PBX2MQTT_AMI_USERNAME": "pbx2mqtt",
                    "PBX2MQTT_AMI_SECRET": Self.secret,
                    "PBX2MQTT_MQTT_USERNAME": "bridge",
                    "PBX2MQTT_MQTT_PASSWORD": Self.password,
                ]
            )
        )
    }

    static func logger(format: AppConfiguration.Log.Format, redaction: Redaction, sink: InMemoryLogSink) -> Logger {
        LoggingBootstrap.makeLogger(
            label: "test.label",
            log: AppConfiguration.Log(level: .trace, format: format),
            redaction: redaction,
            sink: sink
        )
    }

    static func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    /// Should write one JSON object per line with ts, level, label, message and flattened metadata.
    @Test func jsonLinesCarryFixedKeysAndFlattenedMetadata() throws {
        let sink = InMemoryLogSink()
        let logger = Self.logger(format: .json, redaction: Redaction(), sink: sink)
        logger.info(
            "ami event received",
            metadata: [
                "ami.event": "QueueMemberStatus",
                "mqtt": ["topic": "pbx/agent/147", "qos": "1"],
                "ids": ["a", "b"],
                "message": "shadowing attempt",
            ]
        )
        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        #expect(!line.unicodeScalars.contains { $0 == "\n" || $0 == "\r" })
        let object = try Self.parse(line)
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "test.label")
        #expect(object["message"] as? String == "ami event received")
        #expect(object["ami.event"] as? String == "QueueMemberStatus")
        #expect(object["mqtt.topic"] as? String == "pbx/agent/147")
        #expect(object["mqtt.qos"] as? String == "1")
        #expect(object["ids"] as? [String] == ["a", "b"])
        #expect(object["metadata.message"] as? String == "shadowing attempt")
        let timestamp = try #require(object["ts"] as? String)
        #expect((try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(timestamp)) != nil)
    }

    /// Should keep secrets out of JSON lines: by key name, by known value, and in the config.
    @Test func jsonLinesNeverContainSecrets() async throws {
        let configuration = try await Self.configuration()
        let sink = InMemoryLogSink()
        let logger = Self.logger(format: .json, redaction: Redaction(configuration: configuration), sink: sink)
        logger.notice("configuration loaded", metadata: ["config": "\(configuration)"])
        logger.info("login", metadata: ["ami.secret": "anything", "mqtt.password": .string(Self.password)])
        logger.error("login failed for \(Self.secret)", metadata: ["detail": ["nested": "pw=\(Self.password)"]])
        logger.debug(
            "dump",
            metadata: ["ami": "\(configuration.ami)", "reflect": "\(String(reflecting: configuration.mqtt))"]
        )
        #expect(sink.lines.count == 4)
        for line in sink.lines {
            _ = try Self.parse(line)
            #expect(!line.contains(Self.secret), "\(line)")
            #expect(!line.contains(Self.password), "\(line)")
        }
        let login = try Self.parse(sink.lines[1])
        #expect(login["ami.secret"] as? String == Redaction.mask)
        #expect(login["mqtt.password"] as? String == Redaction.mask)
        #expect(sink.lines[2].contains(Redaction.mask))
    }

    /// Should render text lines on one line, with secrets scrubbed and line breaks escaped.
    @Test func textLinesAreSingleLineAndRedacted() throws {
        let sink = InMemoryLogSink()
        let logger = Self.logger(format: .text, redaction: Redaction(secrets: [Self.secret]), sink: sink)
        logger.warning(
            "reconnecting",
            metadata: ["ami.host": "pbx.local", "reason": "secret \(Self.secret)\nforged line", "crlf": "a\r\nforged"]
        )
        #expect(sink.lines.count == 1)
        let line = try #require(sink.lines.first)
        #expect(line.contains(" warning test.label: reconnecting "))
        #expect(line.contains("ami.host=pbx.local"))
        #expect(!line.contains(Self.secret))
        #expect(!line.unicodeScalars.contains { $0 == "\n" || $0 == "\r" })
        #expect(line.contains(#"a\r\nforged"#))
    }

    /// Should drop events below the configured level.
    @Test func levelFiltersEvents() {
        let sink = InMemoryLogSink()
        let logger = LoggingBootstrap.makeLogger(
            log: AppConfiguration.Log(level: .warning, format: .json),
            redaction: Redaction(),
            sink: sink
        )
        logger.info("ignored")
        logger.error("kept")
        #expect(sink.lines.count == 1)
        #expect(sink.lines.first?.contains("\"kept\"") == true)
    }

    /// Should follow the shared level control unless a logger set its own level.
    @Test func sharedLevelControlChangesLevelAfterBootstrap() {
        let sink = InMemoryLogSink()
        let control = LogLevelControl(.warning)
        let factory: @Sendable (String) -> any LogHandler = { label in
            PBXLogHandler(label: label, format: .json, levelControl: control, sink: sink, redaction: Redaction())
        }
        let shared = Logger(label: "shared", factory: factory)
        var pinned = Logger(label: "pinned", factory: factory)
        pinned.logLevel = .error
        shared.info("dropped at warning")
        control.level = .debug
        #expect(shared.logLevel == .debug)
        shared.debug("kept at debug")
        pinned.warning("dropped by the pinned level")
        #expect(pinned.logLevel == .error)
        #expect(sink.lines.count == 1)
        #expect(sink.lines.first?.contains("kept at debug") == true)
    }

    /// Should scrub updated secrets after a reload and never very short ones.
    @Test func redactionFollowsUpdates() {
        let redaction = Redaction(secrets: ["old-secret", "ab"])
        #expect(redaction.scrub("x old-secret ab") == "x \(Redaction.mask) ab")
        redaction.update(secrets: ["new-secret"])
        #expect(redaction.scrub("old-secret new-secret") == "old-secret \(Redaction.mask)")
        #expect(Redaction.isSensitive(key: "mqtt.Password"))
        #expect(!Redaction.isSensitive(key: "ami.host"))
    }
}
