#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Nanoseconds on the monotonic clock: every timestamp the benchmarks compare comes from here,
/// so send and receive times taken on different threads are comparable.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    static func seconds(since start: UInt64) -> Double {
        Double(self.nanoseconds() &- start) / 1e9
    }
}
