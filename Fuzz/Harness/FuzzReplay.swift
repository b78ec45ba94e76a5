import Foundation

/// What a fuzz executable does when built without the Fuzzing trait (every normal build):
/// runs its harness once over each file named on the command line (directories: each file in
/// them), so that a saved crash or the seed corpus can be replayed with no sanitizer build.
package enum FuzzReplay {
    /// Replays `arguments` (the process's, without the program name) through `harness`;
    /// returns the exit status.
    package static func main(name: String, arguments: [String], harness: ([UInt8]) -> Void) -> Int32 {
        let paths = arguments.filter { !$0.hasPrefix("-") }
        guard !paths.isEmpty else {
            print(
                """
                usage: \(name) FILE|DIRECTORY...
                This build replays inputs through the harness once. To fuzz, build with the Fuzzing
                trait: scripts/fuzz (see Fuzz/README.md).
                """)
            return 64
        }
        var count = 0
        for path in paths {
            for file in Self.files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    print("\(name): cannot read \(file)")
                    return 66
                }
                harness([UInt8](data))
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed, no finding")
        return 0
    }

    /// `path` itself, or the files directly in it (sorted) when it is a directory.
    package static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }
}
