import PBXCore

/// Appends compact JSON to a byte array, keys in the order they are written.
///
/// Payloads are written by hand rather than with `JSONEncoder` for two reasons: the key order
/// must be stable so that an unchanged value gives byte-identical retained payloads, and the
/// encoder is on the hot path of every published change.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]
    private var needsComma = false

    public init(capacity: Int = 128) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    // MARK: Objects and arrays

    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.needsComma = false
    }

    public mutating func endObject() {
        self.bytes.append(UInt8(ascii: "}"))
        self.needsComma = true
    }

    public mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma = false
    }

    public mutating func endArray() {
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma = true
    }

    /// Writes `"key":` so that the next value belongs to it.
    public mutating func key(_ key: StaticString) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    /// Writes a key known only at run time (user-supplied variable names, echoed data).
    public mutating func key(_ key: String) {
        self.separate()
        self.writeQuoted(key)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    // MARK: Values

    public mutating func value(_ string: String) {
        self.separate()
        self.writeQuoted(string)
        self.needsComma = true
    }

    public mutating func value(_ int: Int) {
        self.separate()
        self.bytes.append(contentsOf: String(int).utf8)
        self.needsComma = true
    }

    public mutating func value(_ bool: Bool) {
        self.separate()
        self.bytes.append(contentsOf: bool ? Array("true".utf8) : Array("false".utf8))
        self.needsComma = true
    }

    /// Writes a finite double; NaN and infinities (which JSON cannot hold) become `null`.
    public mutating func value(_ double: Double) {
        self.separate()
        if double.isFinite {
            if double == double.rounded(), abs(double) < 1e15 {
                self.bytes.append(contentsOf: String(Int(double)).utf8)
            } else {
                self.bytes.append(contentsOf: String(double).utf8)
            }
        } else {
            self.bytes.append(contentsOf: "null".utf8)
        }
        self.needsComma = true
    }

    public mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: "null".utf8)
        self.needsComma = true
    }

    /// Key and value together; nil values are left out rather than written as `null`.
    public mutating func field(_ key: StaticString, _ string: String?) {
        guard let string else { return }
        self.key(key)
        self.value(string)
    }

    public mutating func field(_ key: StaticString, _ int: Int?) {
        guard let int else { return }
        self.key(key)
        self.value(int)
    }

    public mutating func field(_ key: StaticString, _ bool: Bool?) {
        guard let bool else { return }
        self.key(key)
        self.value(bool)
    }

    public mutating func field(_ key: StaticString, _ double: Double?) {
        guard let double else { return }
        self.key(key)
        self.value(double)
    }

    /// Writes an already-parsed JSON value (echoing parts of a request).
    public mutating func value(_ json: JSONValue) {
        switch json {
        case .null: self.null()
        case .bool(let bool): self.value(bool)
        case .number(let number): self.value(number)
        case .string(let string): self.value(string)
        case .array(let items):
            self.beginArray()
            for item in items { self.value(item) }
            self.endArray()
        case .object(let members):
            self.beginObject()
            for key in members.keys.sorted() {
                self.key(key)
                if let member = members[key] { self.value(member) }
            }
            self.endObject()
        case .encoded(let bytes):
            self.separate()
            self.bytes.append(contentsOf: bytes)
            self.needsComma = true
        }
    }

    // MARK: Helpers

    @inline(__always)
    private mutating func separate() {
        if self.needsComma {
            self.bytes.append(UInt8(ascii: ","))
            self.needsComma = false
        }
    }

    private mutating func writeQuoted(_ string: String) {
        JSONString.appendQuoted(string, to: &self.bytes)
    }
}
