import ArgumentParser

/// The `pbx2mqtt` command line: `run`, `demo`, `check-config`, `config-reference`.
///
/// Usage errors exit 64 (ArgumentParser's `EX_USAGE`), an invalid configuration 78. `package`
/// because the `pbx2mqtt` executable's `main.swift` starts it from another module.
package struct Pbx2MQTT: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "pbx2mqtt",
        abstract: "Bridge an Asterisk PBX (AMI) to MQTT.",
        subcommands: [RunCommand.self, DemoCommand.self, CheckConfigCommand.self, ConfigReferenceCommand.self]
    )

    package init() {}
}
