/// A secret string (AMI secret, broker password) that never shows up in text output.
///
/// `description`, `debugDescription` and reflection (`dump`, `Mirror`) all print the mask, so a
/// configuration can be interpolated into a log line or printed by `check-config` without
/// leaking the value. Code that must hand the secret to a protocol reads ``value`` explicitly.
struct Secret: Sendable, Equatable {
    /// The clear-text secret; read it only where a protocol needs it.
    let value: String

    init(_ value: String) {
        self.value = value
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { Redaction.mask }
    var debugDescription: String { Redaction.mask }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
