/// One measured figure of a scenario.
struct Metric: Sendable {
    var name: String
    var value: Double
    var unit: String
    /// The goal as text (`< 0.3 ms`, `>= 0.8x`), nil when the figure is context only.
    var goal: String?
    /// Whether the goal was met; nil without a goal.
    var met: Bool?
    /// Every round's value when the figure sums up several (`1.21 / 1.34 / 1.18`).
    var rounds: [Double]?

    init(
        _ name: String, _ value: Double, _ unit: String, goal: String? = nil, met: Bool? = nil,
        rounds: [Double]? = nil
    ) {
        self.name = name
        self.value = value
        self.unit = unit
        self.goal = goal
        self.met = met
        self.rounds = rounds
    }

    /// The rounds as text, each with the value's precision.
    var formattedRounds: String? {
        self.rounds.map { values in
            values.map { Metric("", $0, "").formattedValue }.joined(separator: " / ")
        }
    }

    /// The value with a precision that suits its size.
    var formattedValue: String {
        guard self.value.isFinite else { return self.value.isNaN ? "n/a" : "inf" }
        let magnitude = abs(self.value)
        if magnitude >= 1000 { return Self.grouped(Int(self.value.rounded())) }
        if magnitude >= 100 { return String(Int(self.value.rounded())) }
        if magnitude >= 10 { return Self.fixed(self.value, 1) }
        if magnitude >= 1 { return Self.fixed(self.value, 2) }
        return Self.fixed(self.value, 3)
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            text += "." + String(repeating: "0", count: digits)
        }
        return text
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }
}

/// What one scenario measured, with free-text notes on how.
struct ScenarioResult: Sendable {
    var id: String
    var title: String
    var metrics: [Metric] = []
    var notes: [String] = []
    var error: String?

    init(id: String, title: String) {
        self.id = id
        self.title = title
    }

    mutating func add(_ metric: Metric) {
        self.metrics.append(metric)
    }
}
