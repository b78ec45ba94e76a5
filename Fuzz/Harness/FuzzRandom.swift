/// A small deterministic generator (SplitMix64) for the custom mutators: libFuzzer hands each
/// mutation a seed, and the same seed must give the same mutation so a run can be replayed.
struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt32) {
        self.state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 0x2545_F491_4F6C_DD1D
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (bound > 0).
    mutating func below(_ bound: Int) -> Int {
        Int(self.next() % UInt64(max(bound, 1)))
    }

    /// An element of `items` (not empty).
    mutating func pick<T>(_ items: [T]) -> T {
        items[self.below(items.count)]
    }

    /// True with probability `numerator / denominator`.
    mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        self.below(denominator) < numerator
    }
}
