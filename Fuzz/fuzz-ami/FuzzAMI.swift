import Foundation
import FuzzHarness

#if FUZZING
    import CLibFuzzer
#endif

/// `fuzz-ami`: libFuzzer over `AMIFuzzHarness` when built with the Fuzzing trait, else a replayer
/// of the files named on the command line (see Fuzz/README.md).
@main
enum FuzzAMI {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzAMIInput(data, size) })
        #else
            exit(
                FuzzReplay.main(
                    name: "fuzz-ami", arguments: Array(CommandLine.arguments.dropFirst()), harness: AMIFuzzHarness.run))
        #endif
    }
}

#if FUZZING

    /// The structure-aware half of the AMI fuzzer (AMIMutator); libFuzzer finds it by name.
    @_cdecl("LLVMFuzzerCustomMutator")
    public func fuzzAMIMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int
    {
        guard let data else { return 0 }
        let input = Array(UnsafeBufferPointer(start: data, count: size))
        let output = AMIMutator.mutate(input, maxSize: maxSize, seed: seed) { bytes in
            let count = min(bytes.count, maxSize)
            var buffer = Array(bytes.prefix(count)) + [UInt8](repeating: 0, count: maxSize - count)
            let mutated = buffer.withUnsafeMutableBufferPointer { LLVMFuzzerMutate($0.baseAddress, count, maxSize) }
            bytes = Array(buffer.prefix(mutated))
        }
        let count = min(output.count, maxSize)
        output.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { data.update(from: base, count: count) }
        }
        return count
    }
#endif

#if FUZZING
    /// libFuzzer's target, by the name libFuzzer's own `main` looks for (the linker may pick
    /// either entry point; both run this).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzAMIInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        AMIFuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#endif
