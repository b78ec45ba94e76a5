/// Trimming without Foundation's CharacterSet (FoundationEssentials has none), for the
/// configuration's text values.
extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (any Unicode space, not line
    /// breaks), as `trimmingCharacters(in: .whitespaces)` gives it.
    var trimmingSpaces: String {
        self.trimming(where: { $0.isWhitespace && !$0.isNewline })
    }

    /// The text without leading and trailing whitespace or line breaks.
    var trimmingWhitespaceAndNewlines: String {
        self.trimming(where: \.isWhitespace)
    }

    private func trimming(where isTrimmed: (Character) -> Bool) -> String {
        guard let first = self.firstIndex(where: { !isTrimmed($0) }),
            let last = self.lastIndex(where: { !isTrimmed($0) })
        else { return "" }
        return String(self[first...last])
    }
}
