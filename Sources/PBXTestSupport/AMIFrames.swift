import AMI
import NIOCore

/// Runs bytes through `AMIMessageDecoder` in chunks of the given sizes (cycled), as they would
/// arrive from a socket, and returns every frame. Throws what the decoder throws.
public func decodeAMIFrames(
    _ bytes: [UInt8],
    chunkSizes: [Int],
    expectBanner: Bool = true,
    maxPacketSize: Int = AMIMessageDecoder.defaultMaxPacketSize
) throws -> [AMIFrame] {
    let processor = NIOSingleStepByteToMessageProcessor(
        AMIMessageDecoder(expectBanner: expectBanner, maxPacketSize: maxPacketSize)
    )
    var frames: [AMIFrame] = []
    var offset = 0
    var chunkIndex = 0
    while offset < bytes.count {
        let size = max(1, chunkSizes.isEmpty ? bytes.count : chunkSizes[chunkIndex % chunkSizes.count])
        chunkIndex += 1
        let end = min(bytes.count, offset + size)
        let chunk = ByteBuffer(bytes: bytes[offset..<end])
        offset = end
        try processor.process(buffer: chunk) { frames.append($0) }
    }
    try processor.finishProcessing(seenEOF: true) { frames.append($0) }
    return frames
}

/// Every packet of a transcript (banner and malformed frames dropped).
public func decodeAMIMessages(_ bytes: [UInt8], expectBanner: Bool = true) throws -> [AMIMessage] {
    try decodeAMIFrames(bytes, chunkSizes: [], expectBanner: expectBanner).compactMap {
        if case .message(let message) = $0 { return message }
        return nil
    }
}
