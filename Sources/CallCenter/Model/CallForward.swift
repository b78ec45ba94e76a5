/// The call-forward targets of one extension, as FreePBX keeps them in AstDB (`CF`, `CFB`,
/// `CFU` families); nil where no forward is set.
public struct CallForward: Sendable, Hashable, Codable {
    /// `CF`: every call.
    public var unconditional: String?
    /// `CFB`: while the extension is busy.
    public var busy: String?
    /// `CFU`: while the extension is unavailable (offline or not answering).
    public var unavailable: String?

    public init(unconditional: String? = nil, busy: String? = nil, unavailable: String? = nil) {
        self.unconditional = unconditional
        self.busy = busy
        self.unavailable = unavailable
    }

    var isEmpty: Bool { self.unconditional == nil && self.busy == nil && self.unavailable == nil }
}
