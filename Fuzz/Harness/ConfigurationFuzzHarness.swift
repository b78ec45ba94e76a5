import Dispatch
import Foundation
import PBX2MQTTApp
import Synchronization

/// A configuration file: YAML bytes through `check-config`'s path (unknown-key scan, loader,
/// validation, rendering of the effective configuration).
///
/// The loader reads a file by path, as the daemon does, so each input is written to one
/// scratch file first; nothing else touches the disk or the process environment.
package enum ConfigurationFuzzHarness {
    static let path = NSTemporaryDirectory() + "/pbx2mqtt-fuzz-config-\(ProcessInfo.processInfo.processIdentifier).yaml"

    /// One input. Stops the process (a finding) when a valid configuration renders as JSON
    /// that does not parse, or when the outcome is neither a report nor problems. Inputs
    /// alternate between the two output formats (the load is most of the cost).
    package static func run(_ bytes: [UInt8]) {
        Self.write(bytes)
        let sources = ConfigurationSources(configFile: Self.path, hostname: "fuzz")
        let format: EffectiveConfiguration.Format = bytes.count % 2 == 0 ? .json : .yaml
        let check = Self.check(sources, format: format)
        FuzzCheck.that(
            (check.exitCode == 0) == (check.report != nil), "check-config gave exit \(check.exitCode) with a report")
        if let report = check.report {
            if format == .json { FuzzCheck.json(Array(report.utf8), "check-config's JSON") }
        } else {
            FuzzCheck.that(!check.messages.isEmpty, "an invalid configuration without a message")
        }
    }

    /// Replaces the scratch file's contents (no fsync: the file is read back at once).
    static func write(_ bytes: [UInt8]) {
        if !FileManager.default.fileExists(atPath: Self.path) {
            _ = FileManager.default.createFile(atPath: Self.path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: Self.path) else {
            fatalError("cannot write the scratch file \(Self.path)")
        }
        do {
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: bytes)
            try handle.close()
        } catch {
            fatalError("cannot write the scratch file \(Self.path): \(error)")
        }
    }

    /// Runs the async check from libFuzzer's synchronous callback.
    static func check(_ sources: ConfigurationSources, format: EffectiveConfiguration.Format) -> ConfigurationCheck {
        let result = Mutex<ConfigurationCheck?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let check = await ConfigurationCheck.run(sources, report: .effective(format))
            result.withLock { $0 = check }
            done.signal()
        }
        done.wait()
        guard let check = result.withLock({ $0 }) else { fatalError("the configuration check did not finish") }
        return check
    }
}
