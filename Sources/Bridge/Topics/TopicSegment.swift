/// Escaping of ids (agents, queues, extensions) into single MQTT topic segments.
///
/// MQTT gives `/`, `+`, `#` and NUL special meaning, so an id holding one of them would land
/// on another topic or make a subscription filter. The contract percent-encodes exactly those
/// and `%` itself, and keeps everything else (unicode included) readable.
public enum TopicSegment {
    /// Why an id cannot become a topic segment.
    public enum Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case invalidEscape(String)

        public var description: String {
            switch self {
            case .empty: "an id must not be empty or blank"
            case .invalidEscape(let segment):
                "the topic segment \(segment.debugDescription) holds a `%` that is not followed by two hex digits"
            }
        }
    }

    /// Encodes `id` as one segment.
    public static func escape(_ id: String) throws(Error) -> String {
        guard id.contains(where: { !$0.isWhitespace }) else { throw .empty }
        var needsWork = false
        for byte in id.utf8 where Self.isSpecial(byte) {
            needsWork = true
            break
        }
        guard needsWork else { return id }
        var out: [UInt8] = []
        out.reserveCapacity(id.utf8.count + 8)
        for byte in id.utf8 {
            if Self.isSpecial(byte) {
                out.append(UInt8(ascii: "%"))
                out.append(Self.hex(byte >> 4))
                out.append(Self.hex(byte & 0x0F))
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The exact inverse of `escape`.
    public static func unescape(_ segment: String) throws(Error) -> String {
        guard segment.utf8.contains(UInt8(ascii: "%")) else {
            guard segment.contains(where: { !$0.isWhitespace }) else { throw .empty }
            return segment
        }
        var out: [UInt8] = []
        var bytes = segment.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(Self.nibble), let low = bytes.next().flatMap(Self.nibble) else {
                throw .invalidEscape(segment)
            }
            out.append(high << 4 | low)
        }
        let id = String(decoding: out, as: UTF8.self)
        guard id.contains(where: { !$0.isWhitespace }) else { throw .empty }
        return id
    }

    @inline(__always)
    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#") || byte == 0
            || byte == UInt8(ascii: "%")
    }

    private static func hex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
