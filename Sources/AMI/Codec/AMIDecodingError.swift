/// Errors that end an AMI stream. Anything recoverable is an `AMIFrame.malformed` instead.
public enum AMIDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The peer's first line was not an AMI banner: the port is probably not Asterisk's
    /// manager port.
    case notAnAMIServer(firstLine: String)
    /// A single packet grew past the configured limit without ending; the connection is
    /// closed rather than buffering without bound.
    case packetTooLarge(limit: Int)
    /// The connection closed in the middle of a packet.
    case truncatedPacket(bytes: Int)

    public var description: String {
        switch self {
        case .notAnAMIServer(let line):
            "the peer did not greet with an AMI banner (`<product> Call Manager/<version>`), it sent \(line.debugDescription): check ami.host and ami.port point at Asterisk's manager port"
        case .packetTooLarge(let limit):
            "an AMI packet exceeded \(limit) bytes without ending; the connection was closed (raise ami.maxPacketSize if Asterisk really sends such packets)"
        case .truncatedPacket(let bytes):
            "the AMI connection closed in the middle of a packet (\(bytes) bytes left unparsed)"
        }
    }
}
