import Logging
import PBXCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The pbx2mqtt swift-log backend: one text or JSON line per event, secrets redacted.
///
/// JSON lines carry `ts`, `level`, `label`, `message`, then the metadata flattened into
/// top-level dotted keys (`ami.event`, `mqtt.topic`), then `error` when the event has one.
/// A metadata key that would shadow one of those fixed keys is written as `metadata.<key>`.
/// Text lines read `ts level label: message key=value …`.
struct PBXLogHandler: LogHandler {
    /// The keys every JSON line starts with, reserved against metadata.
    static let reservedKeys: Set<String> = ["ts", "level", "label", "message", "error"]

    let label: String
    let format: AppConfiguration.Log.Format
    let sink: any LogSink
    let redaction: Redaction
    /// The shared level, followed until this logger sets its own.
    let levelControl: LogLevelControl
    private var ownLevel: Logger.Level?
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(
        label: String,
        format: AppConfiguration.Log.Format,
        levelControl: LogLevelControl,
        sink: any LogSink,
        redaction: Redaction,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.format = format
        self.levelControl = levelControl
        self.sink = sink
        self.redaction = redaction
        self.metadataProvider = metadataProvider
    }

    var logLevel: Logger.Level {
        get { self.ownLevel ?? self.levelControl.level }
        set { self.ownLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { _, new in new }
        }
        var fields: [(String, Logger.MetadataValue)] = []
        for key in merged.keys.sorted() {
            if let value = merged[key] {
                Self.flatten(key: key, value: self.redaction.redact(value, key: key), into: &fields)
            }
        }
        let timestamp = Date.now.formatted(Self.timestampStyle)
        let message = self.redaction.scrub(event.message.description)
        let error = event.error.map { self.redaction.scrub(String(describing: $0)) }
        switch self.format {
        case .json:
            self.sink.write(
                line: self.jsonLine(ts: timestamp, level: event.level, message: message, fields: fields, error: error)
            )
        case .text:
            self.sink.write(
                line: self.textLine(ts: timestamp, level: event.level, message: message, fields: fields, error: error)
            )
        }
    }

    // MARK: Rendering

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private func jsonLine(
        ts: String,
        level: Logger.Level,
        message: String,
        fields: [(String, Logger.MetadataValue)],
        error: String?
    ) -> String {
        var line = "{\"ts\":\(JSONString.quoted(ts)),\"level\":\(JSONString.quoted(level.rawValue))"
        line += ",\"label\":\(JSONString.quoted(self.label)),\"message\":\(JSONString.quoted(message))"
        for (key, value) in fields {
            let safeKey = Self.reservedKeys.contains(key) ? "metadata.\(key)" : key
            line += ",\(JSONString.quoted(safeKey)):\(Self.json(value))"
        }
        if let error {
            line += ",\"error\":\(JSONString.quoted(error))"
        }
        return line + "}"
    }

    private func textLine(
        ts: String,
        level: Logger.Level,
        message: String,
        fields: [(String, Logger.MetadataValue)],
        error: String?
    ) -> String {
        var line = "\(ts) \(level.rawValue) \(self.label): \(message)"
        for (key, value) in fields {
            line += " \(key)=\(Self.text(value))"
        }
        if let error {
            line += " error=\(Self.text(.string(error)))"
        }
        // A value with a line break must not forge a second log line. Scalars, not Characters:
        // "\r\n" is a single Character that matches neither "\r" nor "\n".
        guard line.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            return line
        }
        var escaped = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\r":
                escaped.append(contentsOf: "\\r".unicodeScalars)
            case "\n":
                escaped.append(contentsOf: "\\n".unicodeScalars)
            default:
                escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// Nested dictionaries become dotted keys; arrays stay values.
    private static func flatten(
        key: String,
        value: Logger.MetadataValue,
        into fields: inout [(String, Logger.MetadataValue)]
    ) {
        if case .dictionary(let dictionary) = value {
            for nestedKey in dictionary.keys.sorted() {
                if let nested = dictionary[nestedKey] {
                    Self.flatten(key: "\(key).\(nestedKey)", value: nested, into: &fields)
                }
            }
        } else {
            fields.append((key, value))
        }
    }

    private static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text):
            return JSONString.quoted(text)
        case .stringConvertible(let convertible):
            return JSONString.quoted(convertible.description)
        case .array(let values):
            return "[" + values.map(Self.json).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            let members = dictionary.keys.sorted().compactMap { key in
                dictionary[key].map { "\(JSONString.quoted(key)):\(Self.json($0))" }
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    private static func text(_ value: Logger.MetadataValue) -> String {
        let rendered: String
        switch value {
        case .string(let text):
            rendered = text
        case .stringConvertible(let convertible):
            rendered = convertible.description
        case .array, .dictionary:
            rendered = value.description
        }
        let needsQuotes = rendered.isEmpty || rendered.contains { $0 == " " || $0 == "\"" || $0 == "=" }
        return needsQuotes ? JSONString.quoted(rendered) : rendered
    }
}
