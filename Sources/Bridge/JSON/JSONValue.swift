#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A parsed JSON document, for reading command bodies.
///
/// Commands arrive from untrusted broker users, so the bridge parses them into this neutral
/// tree first and then checks each field itself: that gives error replies naming the exact
/// field and type, which a `Decodable` struct would blur.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    /// JSON the bridge already encoded (a state payload), written as it is. `parse` never
    /// makes it: it lets a reply embed published payloads without encoding them twice.
    case encoded([UInt8])

    /// How deep arrays and objects may nest in what ``parse(_:)`` reads. Commands need three
    /// levels; Foundation's reader allows 512, and decoding that deep recurses through about
    /// 2 KiB of stack per level, more than a small thread has (a 1 KiB payload could crash the
    /// daemon). 32 leaves room without risk.
    public static let maxDepth = 32

    /// Parses `bytes`; nil when they are not one JSON value or nest deeper than ``maxDepth``.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard Self.nestingDepth(of: bytes) <= Self.maxDepth else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// The deepest nesting of `[` and `{` outside strings, found without recursion (so that
    /// it is safe to ask about any input). Unbalanced input gives some depth; the parser
    /// refuses it anyway.
    public static func nestingDepth(of bytes: [UInt8]) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return deepest
    }

    /// The JSON type name used in error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object, .encoded: "object"
        }
    }
}

extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
