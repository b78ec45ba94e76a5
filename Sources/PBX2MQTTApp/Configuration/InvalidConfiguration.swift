/// Every problem found while loading the configuration; thrown by ``ConfigurationLoader``.
///
/// Commands turn it into exit code 78 (`EX_CONFIG`) after printing ``description``.
struct InvalidConfiguration: Error, Sendable, Equatable {
    /// The problems, in the order the keys are read (ami, mqtt, model, commands, http, log).
    let errors: [ConfigError]

    /// The exit status for an invalid configuration, as promised in docs/configuration.md.
    static let exitCode: Int32 = 78
}

extension InvalidConfiguration: CustomStringConvertible {
    /// A header line followed by one indented `key: reason` line per problem.
    var description: String {
        let plural = self.errors.count == 1 ? "problem" : "problems"
        return (["invalid configuration (\(self.errors.count) \(plural)):"] + self.errors.map { "  \($0)" })
            .joined(separator: "\n")
    }
}
