import Synchronization

/// A value shared between the subscriber's callback thread and the scenario's task
/// (a `Mutex` cannot be captured by an escaping closure itself).
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        self.storage = Mutex(value)
    }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        self.storage.withLock { body(&$0) }
    }

    var value: Value { self.storage.withLock { $0 } }
}
