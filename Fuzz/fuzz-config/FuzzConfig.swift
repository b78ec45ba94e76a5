import Foundation
import FuzzHarness

#if FUZZING
    import CLibFuzzer
#endif

/// `fuzz-config`: libFuzzer over `ConfigurationFuzzHarness` when built with the Fuzzing trait, else a replayer
/// of the files named on the command line (see Fuzz/README.md).
@main
enum FuzzConfig {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzConfigInput(data, size) })
        #else
            exit(
                FuzzReplay.main(
                    name: "fuzz-config", arguments: Array(CommandLine.arguments.dropFirst()),
                    harness: ConfigurationFuzzHarness.run))
        #endif
    }
}

#if FUZZING
    /// libFuzzer's target, by the name libFuzzer's own `main` looks for (the linker may pick
    /// either entry point; both run this).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzConfigInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        ConfigurationFuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#endif
