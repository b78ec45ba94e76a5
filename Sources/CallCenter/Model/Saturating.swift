/// Arithmetic that clamps instead of trapping or wrapping, for values that accumulate
/// (counters, running averages, times).
///
/// Every input is bounded when it is parsed (``AMINumber``), so with real Asterisk these never
/// reach their limits; they are the second line of defence, so that no sequence of events,
/// however long or hostile, can stop the daemon with an overflow trap. Wrapping (`&+`) would
/// be worse than trapping: it publishes negative counters and times before 1970.
enum Saturating {
    /// `lhs + rhs`, clamped to `range`.
    static func add(_ lhs: Int, _ rhs: Int, in range: ClosedRange<Int>) -> Int {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        if overflow { return rhs > 0 ? range.upperBound : range.lowerBound }
        return min(max(sum, range.lowerBound), range.upperBound)
    }

    /// `lhs + rhs` without wrapping: clamped to `Int64`'s range.
    static func add(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        if overflow { return rhs > 0 ? .max : .min }
        return sum
    }

    /// `lhs - rhs` without wrapping: clamped to `Int64`'s range.
    static func subtract(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (difference, overflow) = lhs.subtractingReportingOverflow(rhs)
        if overflow { return rhs > 0 ? .min : .max }
        return difference
    }

    /// `lhs * rhs` without wrapping: clamped to `Int64`'s range.
    static func multiply(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        if overflow { return (lhs < 0) == (rhs < 0) ? .max : .min }
        return product
    }

    /// app_queue's running average, `(3 * old + sample) / 4`, computed without overflow and
    /// clamped to `range`.
    static func runningAverage(_ old: Int, _ sample: Int, in range: ClosedRange<Int>) -> Int {
        let weighted = self.add(self.multiply(Int64(old), 3), Int64(sample))
        let average = weighted / 4
        return Int(min(max(average, Int64(range.lowerBound)), Int64(range.upperBound)))
    }
}
