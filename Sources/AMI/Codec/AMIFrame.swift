/// What the decoder produces from the byte stream.
public enum AMIFrame: Sendable, Hashable {
    /// The greeting line, e.g. `Asterisk Call Manager/11.0.0`, with the product words
    /// (`Asterisk`, or another Asterisk-based PBX's name) and the AMI version.
    case banner(product: String, version: String)
    /// A complete packet.
    case message(AMIMessage)
    /// A packet that could not be understood. It has been skipped as a whole; the stream
    /// continues with the next packet. The owner logs it.
    case malformed(reason: String, raw: String)
}
