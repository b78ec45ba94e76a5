/// SplitMix64: a small, fast generator whose sequence depends only on its seed, so a traffic
/// run can be replayed exactly.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(self.next() >> 11) / Double(1 << 53)
    }

    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * self.unit()
    }

    /// Exponentially distributed with the given mean (Poisson inter-arrival times).
    mutating func exponential(mean: Double) -> Double {
        let u = max(self.unit(), 1e-12)
        return -mean * _log(u)
    }

    mutating func index(_ count: Int) -> Int {
        count <= 1 ? 0 : Int(self.next() % UInt64(count))
    }
}

/// Natural logarithm without Foundation (a short series on the mantissa).
private func _log(_ x: Double) -> Double {
    guard x > 0 else { return -.infinity }
    let exponent = Double(x.exponent)
    let mantissa = x.significand  // 1 ≤ m < 2
    let y = (mantissa - 1) / (mantissa + 1)
    let y2 = y * y
    var term = y
    var sum = 0.0
    var k = 1.0
    for _ in 0..<30 {
        sum += term / k
        term *= y2
        k += 2
    }
    return 2 * sum + exponent * 0.693_147_180_559_945_3
}
