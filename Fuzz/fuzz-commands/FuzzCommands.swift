import Foundation
import FuzzHarness

#if FUZZING
    import CLibFuzzer
#endif

/// `fuzz-commands`: libFuzzer over `CommandFuzzHarness` when built with the Fuzzing trait, else a replayer
/// of the files named on the command line (see Fuzz/README.md).
@main
enum FuzzCommands {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzCommandsInput(data, size) })
        #else
            exit(
                FuzzReplay.main(
                    name: "fuzz-commands", arguments: Array(CommandLine.arguments.dropFirst()),
                    harness: CommandFuzzHarness.run))
        #endif
    }
}

#if FUZZING
    /// libFuzzer's target, by the name libFuzzer's own `main` looks for (the linker may pick
    /// either entry point; both run this).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzCommandsInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        CommandFuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#endif
