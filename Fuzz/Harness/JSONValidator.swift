/// A strict RFC 8259 validator: is this exactly one JSON value, in UTF-8?
///
/// The fuzzers check every payload the bridge would publish. Foundation's parser builds
/// objects for each and was most of a run's time; this only walks the bytes. Depth is bounded
/// by an explicit stack, so hostile nesting cannot exhaust the thread's stack here either.
enum JSONValidator {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        var index = 0
        // The open containers, innermost last.
        var stack: [UInt8] = []
        var expectingValue = true
        Self.skipSpace(bytes, &index)
        while true {
            if expectingValue {
                guard index < bytes.count else { return false }
                let open = bytes[index]
                guard open == UInt8(ascii: "{") || open == UInt8(ascii: "[") else {
                    guard Self.scalar(bytes, &index) else { return false }
                    expectingValue = false
                    continue
                }
                index += 1
                Self.skipSpace(bytes, &index)
                if index < bytes.count, bytes[index] == Self.closing(open) {
                    index += 1
                    expectingValue = false
                    continue
                }
                stack.append(open)
                if open == UInt8(ascii: "{") {
                    guard Self.member(bytes, &index) else { return false }
                }
                continue
            }
            Self.skipSpace(bytes, &index)
            guard let open = stack.last else { break }
            guard index < bytes.count else { return false }
            if bytes[index] == Self.closing(open) {
                stack.removeLast()
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: ",") else { return false }
            index += 1
            Self.skipSpace(bytes, &index)
            if open == UInt8(ascii: "{") {
                guard Self.member(bytes, &index) else { return false }
            }
            expectingValue = true
        }
        return index == bytes.count
    }

    private static func closing(_ open: UInt8) -> UInt8 {
        open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
    }

    private static func scalar(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        switch bytes[index] {
        case UInt8(ascii: "\""): Self.string(bytes, &index)
        case UInt8(ascii: "t"): Self.literal("true", bytes, &index)
        case UInt8(ascii: "f"): Self.literal("false", bytes, &index)
        case UInt8(ascii: "n"): Self.literal("null", bytes, &index)
        default: Self.number(bytes, &index)
        }
    }

    /// `"key":` of an object member.
    private static func member(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), Self.string(bytes, &index) else { return false }
        Self.skipSpace(bytes, &index)
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
        index += 1
        Self.skipSpace(bytes, &index)
        return true
    }

    private static func string(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return true
            }
            if byte < 0x20 { return false }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { return false }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count, bytes[(index + 1)...(index + 4)].allSatisfy(Self.isHexDigit) else {
                        return false
                    }
                    index += 4
                default:
                    return false
                }
            }
            index += 1
        }
        return false
    }

    private static func number(_ bytes: [UInt8], _ index: inout Int) -> Bool {
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { return false }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { return false }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        return true
    }

    private static func literal(_ word: StaticString, _ bytes: [UInt8], _ index: inout Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { bytes[index..<(index + count)].elementsEqual($0) }
        index += count
        return matches
    }

    private static func skipSpace(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
        {
            index += 1
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        Self.isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }
}
