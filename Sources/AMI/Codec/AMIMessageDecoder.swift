import NIOCore

/// Splits the AMI byte stream into a banner and packets, incrementally.
///
/// It scans each byte once: `scanOffset` remembers how far the current packet has been
/// examined, so a packet that arrives one byte at a time costs no rescans. Lines end in CRLF
/// (bare LF is tolerated); a blank line ends a packet. Fields are parsed only when the packet
/// is complete, so the reader index stays put until then, as `NIOSingleStepByteToMessageDecoder`
/// expects.
///
/// A line without a colon is only valid in the legacy `Response: Follows` command output,
/// where it is kept as an `Output` field (and `--END COMMAND--` is dropped). Anywhere else
/// the whole packet is reported as `.malformed` and skipped.
public struct AMIMessageDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = AMIFrame

    /// The default for `maxPacketSize`: far above any real packet (the largest in the
    /// captured transcripts is under 2 KiB) yet bounded.
    public static let defaultMaxPacketSize = 1 << 20

    private enum State {
        case expectingBanner
        case packets
    }

    private var state: State
    private let maxPacketSize: Int
    /// Bytes of the current packet (from the reader index) already scanned for newlines.
    private var scanOffset = 0
    /// Offsets, relative to the reader index, where each line of the current packet starts
    /// and where its newline is.
    private var lines: [(start: Int, end: Int)] = []

    /// - Parameters:
    ///   - expectBanner: true on the client side, where Asterisk greets first; false on the
    ///     server side (the simulator), which reads actions straight away.
    ///   - maxPacketSize: a packet longer than this ends the stream with `packetTooLarge`.
    public init(expectBanner: Bool = true, maxPacketSize: Int = AMIMessageDecoder.defaultMaxPacketSize) {
        self.state = expectBanner ? .expectingBanner : .packets
        self.maxPacketSize = maxPacketSize
        self.lines.reserveCapacity(32)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> AMIFrame? {
        while true {
            let view = buffer.readableBytesView
            let scanStart = view.startIndex + self.scanOffset
            guard let newline = view[scanStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                self.scanOffset = view.count
                if view.count > self.maxPacketSize {
                    throw AMIDecodingError.packetTooLarge(limit: self.maxPacketSize)
                }
                return nil
            }
            let newlineOffset = newline - view.startIndex
            let lineStart = self.lines.last.map { $0.end + 1 } ?? 0
            var lineEnd = newlineOffset
            if lineEnd > lineStart, view[view.startIndex + lineEnd - 1] == UInt8(ascii: "\r") {
                lineEnd -= 1
            }
            self.scanOffset = newlineOffset + 1
            if newlineOffset + 1 > self.maxPacketSize {
                throw AMIDecodingError.packetTooLarge(limit: self.maxPacketSize)
            }

            switch self.state {
            case .expectingBanner:
                let line = buffer.getString(at: buffer.readerIndex + lineStart, length: lineEnd - lineStart) ?? ""
                buffer.moveReaderIndex(forwardBy: newlineOffset + 1)
                self.reset()
                self.state = .packets
                return try Self.parseBanner(line)

            case .packets:
                if lineEnd == lineStart {
                    // A blank line: the end of a packet, or a stray separator between packets.
                    if self.lines.isEmpty {
                        buffer.moveReaderIndex(forwardBy: newlineOffset + 1)
                        self.reset()
                        continue
                    }
                    let frame = self.makeFrame(from: buffer)
                    buffer.moveReaderIndex(forwardBy: newlineOffset + 1)
                    self.reset()
                    return frame
                }
                self.lines.append((start: lineStart, end: newlineOffset))
            }
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> AMIFrame? {
        if let frame = try self.decode(buffer: &buffer) {
            return frame
        }
        if buffer.readableBytes > 0 {
            let left = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: left)
            self.reset()
            throw AMIDecodingError.truncatedPacket(bytes: left)
        }
        return nil
    }

    private mutating func reset() {
        self.scanOffset = 0
        self.lines.removeAll(keepingCapacity: true)
    }

    // MARK: Parsing a complete packet

    private func makeFrame(from buffer: ByteBuffer) -> AMIFrame {
        var fields: [AMIField] = []
        fields.reserveCapacity(self.lines.count)
        var follows = false
        let base = buffer.readerIndex
        for (start, newline) in self.lines {
            var end = newline
            if end > start, buffer.getInteger(at: base + end - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                end -= 1
            }
            let length = end - start
            let colon = buffer.withUnsafeReadableBytes { raw -> Int? in
                raw[start..<end].firstIndex(of: UInt8(ascii: ":"))
            }
            guard let colon, colon > start else {
                let line = buffer.getString(at: base + start, length: length) ?? ""
                if follows {
                    if line != "--END COMMAND--" {
                        fields.append(AMIField("Output", line))
                    }
                    continue
                }
                return .malformed(
                    reason: colon == start ? "a line has an empty key" : "a line has no `Key: Value` colon",
                    raw: self.rawText(of: buffer)
                )
            }
            let key = buffer.getString(at: base + start, length: colon - start) ?? ""
            var valueStart = colon + 1
            while valueStart < end, buffer.getInteger(at: base + valueStart, as: UInt8.self) == UInt8(ascii: " ") {
                valueStart += 1
            }
            let value = buffer.getString(at: base + valueStart, length: end - valueStart) ?? ""
            if fields.isEmpty, key == "Response", value == "Follows" {
                follows = true
            }
            fields.append(AMIField(key, value))
        }
        return .message(AMIMessage(fields: fields))
    }

    private func rawText(of buffer: ByteBuffer) -> String {
        guard let last = self.lines.last else { return "" }
        let text = buffer.getString(at: buffer.readerIndex, length: min(last.end + 1, 512)) ?? ""
        return text
    }

    /// Accepts `<product words> Call Manager/<version>`: Asterisk says `Asterisk`, some
    /// Asterisk-based PBXs change the product word.
    static func parseBanner(_ line: String) throws -> AMIFrame {
        let text = line.hasSuffix("\r") ? String(line.dropLast()) : line
        let marker = " Call Manager"
        guard let slash = text.firstIndex(of: "/"), text[..<slash].hasSuffix(marker) else {
            throw AMIDecodingError.notAnAMIServer(firstLine: String(text.prefix(120)))
        }
        let product = String(text[..<slash].dropLast(marker.count))
        let version = String(text[text.index(after: slash)...])
        guard !product.isEmpty, !version.isEmpty else {
            throw AMIDecodingError.notAnAMIServer(firstLine: String(text.prefix(120)))
        }
        return .banner(product: product, version: version)
    }
}

@available(*, unavailable)
extension AMIMessageDecoder: Sendable {}
