/// ASCII case-insensitive comparison, the one rule for protocol names and keys (AMI headers,
/// event and action names, device states): they are ASCII, and folding bytes avoids the
/// lowercased copies `String.lowercased()` allocates on the hot path.
extension StringProtocol {
    /// True when both texts are equal ignoring ASCII case (`Event` = `event`; `É` ≠ `é`).
    @inlinable
    package func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        var lhs = self.utf8.makeIterator()
        var rhs = other.utf8.makeIterator()
        while true {
            switch (lhs.next(), rhs.next()) {
            case (nil, nil):
                return true
            case (let a?, let b?):
                if a == b || ASCIICase.fold(a) == ASCIICase.fold(b) { continue }
                return false
            default:
                return false
            }
        }
    }

    /// True when `needle` occurs in the text, ignoring ASCII case; an empty needle always does.
    @inlinable
    package func containsCaseInsensitive(_ needle: some StringProtocol) -> Bool {
        let haystack = self.utf8.map(ASCIICase.fold)
        let target = needle.utf8.map(ASCIICase.fold)
        guard !target.isEmpty else { return true }
        guard haystack.count >= target.count else { return false }
        for start in 0...(haystack.count - target.count)
        where haystack[start..<(start + target.count)].elementsEqual(target) {
            return true
        }
        return false
    }
}

/// Byte-level ASCII case folding behind the `String` comparisons.
@usableFromInline
enum ASCIICase {
    /// `A`–`Z` as `a`–`z`; every other byte (UTF-8 continuation bytes included) unchanged.
    @inlinable
    static func fold(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte | 0x20 : byte
    }
}
