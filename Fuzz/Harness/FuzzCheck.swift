/// The oracles the harnesses share. A violated oracle stops the process with `fatalError`,
/// which libFuzzer reports as a crash and saves the input for.
enum FuzzCheck {
    /// Stops when `bytes` is not one JSON value: every payload the bridge publishes must be.
    static func json(_ bytes: [UInt8], _ what: @autoclosure () -> String) {
        if !JSONValidator.isValid(bytes) {
            fatalError("\(what()) is not valid JSON: \(String(decoding: bytes.prefix(300), as: UTF8.self))")
        }
    }

    /// Stops when `condition` does not hold.
    static func that(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError(message()) }
    }
}
