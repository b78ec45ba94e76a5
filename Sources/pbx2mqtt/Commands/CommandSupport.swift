import ArgumentParser
import Foundation
import Logging

/// Steps every subcommand shares: load the configuration or exit 78.
enum CommandSupport {
    /// Loads the configuration from this process's sources.
    ///
    /// On failure prints every problem to standard error and throws `ExitCode(78)`.
    static func loadOrExit(_ sources: ConfigurationSources) async throws -> AppConfiguration {
        do {
            return try await ConfigurationLoader.load(sources)
        } catch {
            Self.printError("pbx2mqtt: \(error)")
            throw ExitCode(InvalidConfiguration.exitCode)
        }
    }

    /// Lines warning about keys in the configuration file that pbx2mqtt does not know.
    static func unknownKeyWarnings(_ sources: ConfigurationSources) -> [String] {
        guard let file = sources.configFile else {
            return []
        }
        return UnknownKeyScanner.unknownKeys(inFile: file).map { "pbx2mqtt: warning: \($0): unknown key, ignored" }
    }

    /// Writes one message to standard error (before logging is bootstrapped).
    static func printError(_ message: String) {
        try? FileHandle.standardError.write(contentsOf: Data((message + "\n").utf8))
    }
}
