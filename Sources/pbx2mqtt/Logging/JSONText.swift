/// Minimal JSON text building for log lines and `check-config --format json`.
///
/// Hand-written because the log handler must not allocate a Foundation encoder per line and
/// must control key order (ts, level, label, message first).
enum JSONText {
    /// `value` as a quoted JSON string, escaping quotes, backslashes and control characters.
    static func quote(_ value: String) -> String {
        var result = "\""
        result.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"":
                result += "\\\""
            case "\\":
                result += "\\\\"
            case "\n":
                result += "\\n"
            case "\r":
                result += "\\r"
            case "\t":
                result += "\\t"
            case let control where control.value < 0x20 || control.value == 0x7F:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        result += "\""
        return result
    }
}
