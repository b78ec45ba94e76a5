import NIOCore

/// Writes packets as `Key: Value\r\n` lines and a closing blank line.
///
/// The whole packet is validated before the first byte is written, so a refused packet leaves
/// the buffer exactly as it was: never a partial action on the wire.
public struct AMIMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = AMIMessage

    public init() {}

    public func encode(data: AMIMessage, out: inout ByteBuffer) throws {
        try Self.write(data, to: &out)
    }

    /// Checks that `message` can be written without changing its meaning.
    public static func validate(_ message: AMIMessage) throws(AMIEncodingError) {
        guard !message.fields.isEmpty else { throw .empty }
        for field in message.fields {
            var keyIsEmpty = true
            for byte in field.key.utf8 {
                keyIsEmpty = false
                if byte == 13 || byte == 10 || byte == 0 {
                    throw .forbiddenCharacter(key: field.key, inValue: false)
                }
                if byte == UInt8(ascii: ":") {
                    throw .invalidKey(field.key)
                }
            }
            if keyIsEmpty { throw .invalidKey(field.key) }
            for byte in field.value.utf8 where byte == 13 || byte == 10 || byte == 0 {
                throw .forbiddenCharacter(key: field.key, inValue: true)
            }
        }
    }

    /// Validates, then appends the packet to `buffer`.
    public static func write(_ message: AMIMessage, to buffer: inout ByteBuffer) throws(AMIEncodingError) {
        try self.validate(message)
        for field in message.fields {
            buffer.writeString(field.key)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }
}
