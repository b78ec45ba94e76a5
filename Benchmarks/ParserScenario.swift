import AMI
import NIOCore

/// 8. The AMI parser alone: the recorded traffic (every event the simulator sent, in wire
/// format) decoded by `AMIMessageDecoder` as socket reads would hand it over, in 16 KiB chunks.
struct ParserScenario {
    let sizes: BenchSizes
    let traffic: RecordedTraffic

    func run() throws -> ScenarioResult {
        var result = ScenarioResult(id: "parser", title: "AMI parser")
        var wire = ByteBuffer(string: "Asterisk Call Manager/11.0.0\r\n")
        for event in self.traffic.everything {
            try AMIMessageEncoder.write(event, to: &wire)
        }
        let bytes = wire.readableBytes
        let chunk = 16 * 1024
        var best = Double.infinity
        var packets = 0
        for _ in 0..<max(self.sizes.reducerPasses, 1) {
            let processor = NIOSingleStepByteToMessageProcessor(AMIMessageDecoder())
            var input = wire
            packets = 0
            let start = MonotonicClock.nanoseconds()
            while input.readableBytes > 0, let slice = input.readSlice(length: min(chunk, input.readableBytes)) {
                try processor.process(buffer: slice) { frame in
                    if case .message = frame { packets += 1 }
                }
            }
            best = min(best, MonotonicClock.seconds(since: start))
        }
        result.add(Metric("packets decoded", Double(packets) / best, "packets/s"))
        result.add(Metric("bytes decoded", Double(bytes) / best / 1_000_000, "MB/s"))
        result.notes.append(
            "\(packets) packets, \(bytes) bytes of recorded simulator traffic; best of \(self.sizes.reducerPasses) passes"
        )
        return result
    }
}
