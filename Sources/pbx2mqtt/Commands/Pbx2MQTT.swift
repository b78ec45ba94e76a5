import ArgumentParser

/// The `pbx2mqtt` command line: `run`, `demo`, `check-config`, `config-reference`.
///
/// Usage errors exit 64 (ArgumentParser's `EX_USAGE`), an invalid configuration 78.
@main
struct Pbx2MQTT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pbx2mqtt",
        abstract: "Bridge an Asterisk PBX (AMI) to MQTT.",
        subcommands: [RunCommand.self, DemoCommand.self, CheckConfigCommand.self, ConfigReferenceCommand.self]
    )
}
