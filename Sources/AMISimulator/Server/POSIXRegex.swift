#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A compiled POSIX extended regular expression: what Asterisk's `Filter` action uses
/// (`regcomp(REG_EXTENDED | REG_NOSUB)`), so patterns that compile or fail there do the same here.
final class POSIXRegex {
    private let storage: UnsafeMutablePointer<regex_t>

    /// Nil when the pattern does not compile.
    init?(_ pattern: String) {
        let storage = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        storage.initialize(to: regex_t())
        guard regcomp(storage, pattern, REG_EXTENDED | REG_NOSUB) == 0 else {
            storage.deinitialize(count: 1)
            storage.deallocate()
            return nil
        }
        self.storage = storage
    }

    deinit {
        regfree(self.storage)
        self.storage.deinitialize(count: 1)
        self.storage.deallocate()
    }

    func matches(_ text: String) -> Bool {
        regexec(self.storage, text, 0, nil, 0) == 0
    }
}

@available(*, unavailable)
extension POSIXRegex: Sendable {}
