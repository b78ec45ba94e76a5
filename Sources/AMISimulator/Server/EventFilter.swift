import AMI
import PBXCore

/// One `Filter` action's rule, legacy (`Filter: <regex>`, `!` excludes) or advanced
/// (`MatchCriteria: action(...) name(...) header(...) method(...)`).
final class EventFilter {
    enum Method: String {
        case regex, exact
        case startsWith = "starts_with"
        case endsWith = "ends_with"
        case contains, none
    }

    enum ParseError: Error {
        case doesNotCompile
        case badCriteria
    }

    let isExclude: Bool
    private let eventName: String?
    private let header: String?
    private let method: Method
    private let data: String
    private let regex: POSIXRegex?

    /// - Parameters:
    ///   - filter: the `Filter` header (may be empty for an advanced name-only filter).
    ///   - criteria: the `MatchCriteria` header, nil for a legacy filter.
    init(filter: String, criteria: String?) throws(ParseError) {
        guard let criteria, !criteria.isEmpty else {
            var pattern = Substring(filter)
            var exclude = false
            if pattern.first == "!" {
                exclude = true
                pattern = pattern.dropFirst()
            }
            guard let regex = POSIXRegex(String(pattern)) else { throw .doesNotCompile }
            self.isExclude = exclude
            self.eventName = nil
            self.header = nil
            self.method = .regex
            self.data = String(pattern)
            self.regex = regex
            return
        }
        var exclude = false
        var name: String?
        var header: String?
        var method = Method.none
        var rest = Substring(criteria)
        while let open = rest.firstIndex(of: "(") {
            let key = rest[..<open].trimmingCharacters(in: " ,")
            guard let close = rest[open...].firstIndex(of: ")") else { throw .badCriteria }
            let value = String(rest[rest.index(after: open)..<close])
            switch key.lowercased() {
            case "action":
                exclude = value.caseInsensitiveEquals("exclude")
            case "name":
                name = value
            case "header":
                header = value
            case "method":
                guard let parsed = Method(rawValue: value.lowercased()) else { throw .badCriteria }
                method = parsed
            default:
                throw .badCriteria
            }
            rest = rest[rest.index(after: close)...]
        }
        self.isExclude = exclude
        self.eventName = name
        self.header = header
        self.method = method
        self.data = filter
        if !filter.isEmpty, method == .regex || method == .none {
            guard let regex = POSIXRegex(filter) else { throw .doesNotCompile }
            self.regex = regex
        } else {
            self.regex = nil
        }
    }

    /// True when the rule matches; `text` is the event's wire text, built only when needed.
    func matches(_ message: AMIMessage, text: () -> String) -> Bool {
        if let eventName = self.eventName {
            guard let name = message.eventName, name.caseInsensitiveEquals(eventName) else { return false }
        }
        if self.data.isEmpty, self.eventName != nil || self.header != nil {
            return true
        }
        let subject: String
        if let header = self.header {
            guard let value = message[header] else { return false }
            subject = value
        } else {
            subject = text()
        }
        switch self.method {
        case .regex, .none:
            return self.regex?.matches(subject) ?? false
        case .exact:
            return subject == self.data
        case .startsWith:
            return subject.hasPrefix(self.data)
        case .endsWith:
            return subject.hasSuffix(self.data)
        case .contains:
            return subject.contains(self.data)
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var view = self
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}

@available(*, unavailable)
extension EventFilter: Sendable {}
