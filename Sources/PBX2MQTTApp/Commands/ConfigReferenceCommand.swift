import ArgumentParser

/// `pbx2mqtt config-reference`: print a document generated from the configuration table.
///
/// `--format yaml` is the documented example file, `--format markdown` the reference of every
/// key; the committed `Config/pbx2mqtt.yaml` and `docs/configuration.md` are its output, so
/// an operator can also print the reference of the very binary they run.
struct ConfigReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-reference",
        abstract: "Print every configuration key: an example YAML file, or a Markdown reference."
    )

    @Option(name: .customLong("format"), help: "yaml (the example Config/pbx2mqtt.yaml) or markdown (the reference).")
    var format: ConfigurationReference.Format = .yaml

    func run() {
        print(ConfigurationReference.render(self.format), terminator: "")
    }
}

extension ConfigurationReference.Format: ExpressibleByArgument {}
