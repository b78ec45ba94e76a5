/// Numbers from AMI headers, read into the range the model can compute with.
///
/// Asterisk prints its counters and seconds as 32-bit C integers, but the bridge does not
/// trust its peer's arithmetic: a 20-digit `Wait` turned into milliseconds would trap, and a
/// value that sits in a state list would trap again on every resync (a crash loop). So every
/// numeric field is read in the form printf writes it (an optional `-` and decimal digits; a
/// decimal point and digits for fractions) and checked against the range the field can take.
/// Anything else (64-bit values, a sign on zero, spaces, exponents, `NaN`) is refused: the
/// reducer keeps what it knew, counts the field in ``CallCenterDiagnostics`` and applies the
/// rest of the event.
enum AMINumber {
    /// Counters, seconds and positions: what app_queue keeps in a C `int`, never negative.
    static let count: ClosedRange<Int64> = 0...Int64(Int32.max)
    /// Status codes and penalties: any C `int`.
    static let signed32: ClosedRange<Int64> = Int64(Int32.min)...Int64(Int32.max)
    /// Unix seconds up to the end of year 9999, the last year ISO 8601 writes with four digits.
    static let epochSeconds: ClosedRange<Int64> = 0...253_402_300_799
    /// A percentage.
    static let percent: ClosedRange<Double> = 0...100

    /// The integer `text` spells, or nil when it is not `-?[0-9]+` or lies outside `range`.
    /// Overflow while reading is a refusal, never a trap; `-0` is refused (printf never
    /// writes it, so it is not Asterisk's).
    static func integer(_ text: some StringProtocol, in range: ClosedRange<Int64>) -> Int64? {
        var digits = Substring(text).utf8[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowMultiply) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowAdd) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowMultiply, !overflowAdd else { return nil }
            value = next
        }
        if negative {
            guard value != 0 else { return nil }
            value = -value
        }
        return range.contains(value) ? value : nil
    }

    /// ``integer(_:in:)`` as an `Int` (the model's counters are `Int`).
    static func int(_ text: some StringProtocol, in range: ClosedRange<Int64>) -> Int? {
        self.integer(text, in: range).map { Int($0) }
    }

    /// The unsigned decimal `text` spells (`[0-9]+(\.[0-9]+)?`, as `%.1f` writes it), or nil
    /// outside `range`. No sign, exponent, `inf` or `NaN`: JSON cannot carry the latter two,
    /// and no percentage needs the others.
    static func decimal(_ text: String, in range: ClosedRange<Double>) -> Double? {
        guard text.utf8.count <= 32 else { return nil }
        var whole = 0
        var fraction = 0
        var seenPoint = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, whole > 0 else { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if seenPoint { fraction += 1 } else { whole += 1 }
            } else {
                return nil
            }
        }
        guard whole > 0, !seenPoint || fraction > 0, let value = Double(text), value.isFinite, range.contains(value)
        else { return nil }
        return value
    }
}
