import Foundation

/// The whole run: prints the table and writes the JSON file.
struct ResultReport: Sendable {
    var mode: String
    var machine: String
    var startedAt: Date
    var durationSeconds: Double = 0
    var scenarios: [ScenarioResult] = []

    /// A plain-text table for the terminal.
    func table() -> String {
        var rows: [[String]] = [["scenario", "metric", "value", "unit", "goal", "ok", "rounds"]]
        for scenario in self.scenarios {
            if let error = scenario.error {
                rows.append([scenario.id, "ERROR", error, "", "", "FAIL", ""])
            }
            for metric in scenario.metrics {
                rows.append([
                    scenario.id, metric.name, metric.formattedValue, metric.unit, metric.goal ?? "",
                    metric.met.map { $0 ? "yes" : "NO" } ?? "", metric.formattedRounds ?? "",
                ])
            }
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        var lines: [String] = []
        for (rowIndex, row) in rows.enumerated() {
            let cells = row.enumerated().map { index, cell in
                index == 2
                    ? String(repeating: " ", count: widths[index] - cell.count) + cell
                    : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            lines.append(cells.joined(separator: "  "))
            if rowIndex == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// A GitHub-flavoured markdown table (Benchmarks/README.md).
    func markdown() -> String {
        var lines = ["| scenario | metric | value | goal | met | rounds |", "|---|---|---:|---|---|---|"]
        for scenario in self.scenarios {
            for metric in scenario.metrics {
                let value = metric.formattedValue + (metric.unit.isEmpty ? "" : " " + metric.unit)
                let met = metric.met.map { $0 ? "yes" : "**no**" } ?? ""
                lines.append(
                    "| \(scenario.title) | \(metric.name) | \(value) | \(metric.goal ?? "") | \(met) | \(metric.formattedRounds ?? "") |"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    func json() throws -> Data {
        let formatter = ISO8601DateFormatter()
        let scenarios: [[String: Any]] = self.scenarios.map { scenario in
            var object: [String: Any] = [
                "id": scenario.id,
                "title": scenario.title,
                "notes": scenario.notes,
                "metrics": scenario.metrics.map { metric -> [String: Any] in
                    // JSON has no infinity: a round the limit could not finish is "inf".
                    func number(_ value: Double) -> Any { value.isFinite ? value : "\(value)" }
                    var entry: [String: Any] = [
                        "name": metric.name, "value": number(metric.value), "unit": metric.unit,
                    ]
                    if let goal = metric.goal { entry["goal"] = goal }
                    if let met = metric.met { entry["met"] = met }
                    if let rounds = metric.rounds { entry["rounds"] = rounds.map(number) }
                    return entry
                },
            ]
            if let error = scenario.error { object["error"] = error }
            return object
        }
        let root: [String: Any] = [
            "mode": self.mode,
            "machine": self.machine,
            "startedAt": formatter.string(from: self.startedAt),
            "durationSeconds": self.durationSeconds,
            "scenarios": scenarios,
        ]
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
    }
}
