import AMI
import Bridge
import CallCenter
import NIOCore

/// Bytes from Asterisk's side, all the way to MQTT payloads: the decoder (whole and in two
/// chunks), the reducer (live and as a resync snapshot) and the payload encoder.
package enum AMIFuzzHarness {
    /// Small, so that inputs of a few KiB also reach the decoder's packet limit.
    static let maxPacketSize = 4096
    static let layout: TopicLayout = {
        guard let layout = try? TopicLayout(prefix: "pbx") else { fatalError("pbx is a valid prefix") }
        return layout
    }()
    static let configurations = [
        CallCenterConfiguration(),
        CallCenterConfiguration(trackedQueues: ["q1"], trackedAgents: ["147"]),
    ]

    /// One input. Stops the process (a finding) when an oracle fails; every other outcome,
    /// decoding errors included, is a pass.
    package static func run(_ bytes: [UInt8]) {
        let whole = Self.decode(bytes, split: bytes.count)
        let split = bytes.isEmpty ? 0 : Int(bytes[0]) % bytes.count
        let chunked = Self.decode(bytes, split: split)
        FuzzCheck.that(
            whole.frames == chunked.frames && whole.error == chunked.error,
            "the decoder gave other frames for the same bytes in two chunks (split at \(split))")

        let messages = whole.frames.compactMap { frame -> AMIMessage? in
            if case .message(let message) = frame { return message }
            return nil
        }
        let configuration = Self.configurations[bytes.count % Self.configurations.count]
        let t0 = CallCenterTime(millisecondsSinceEpoch: 1_795_618_199_000)
        var state = CallCenterState(configuration: configuration)
        var view: [StateKey: StateValue] = [:]
        for (index, message) in messages.enumerated() {
            let changes = state.apply(
                message, at: CallCenterTime(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + Int64(index) * 1000))
            CallCenterChange.apply(changes, to: &view)
            Self.encode(changes)
        }
        FuzzCheck.that(view == state.view, "the published changes do not rebuild the model's view")

        // The same packets as the state lists of a resync, against the model before it.
        let resync = CallCenterTime(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + 3_600_000)
        let snapshot = CallCenterState.snapshot(
            configuration: configuration, items: messages, at: resync, previous: state)
        let diff = state.diff(to: snapshot, at: resync)
        CallCenterChange.apply(diff, to: &view)
        FuzzCheck.that(view == snapshot.view, "the resync diff does not rebuild the snapshot's view")
        Self.encode(diff)
        Self.encode(snapshot.fullView)
    }

    /// The frames of `bytes` fed in two chunks (`split` bytes first), then EOF. Without a
    /// banner: the banner is one line, tested by the unit tests, and the fuzzer's time is
    /// better spent on packets.
    static func decode(
        _ bytes: [UInt8], split: Int, expectBanner: Bool = false
    ) -> (frames: [AMIFrame], error: AMIDecodingError?) {
        var decoder = AMIMessageDecoder(expectBanner: expectBanner, maxPacketSize: Self.maxPacketSize)
        var buffer = ByteBuffer()
        var frames: [AMIFrame] = []
        do {
            for chunk in [bytes[..<split], bytes[split...]] {
                buffer.writeBytes(chunk)
                while let frame = try decoder.decode(buffer: &buffer) { frames.append(frame) }
            }
            while let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { frames.append(frame) }
            return (frames, nil)
        } catch let error as AMIDecodingError {
            return (frames, error)
        } catch {
            fatalError("the decoder threw an untyped error: \(error)")
        }
    }

    /// Encodes every change as the bridge publishes it; each payload must be JSON.
    static func encode(_ changes: [CallCenterChange]) {
        for change in changes {
            switch change {
            case .set(let key, let value):
                _ = try? Self.layout.topic(for: key)
                FuzzCheck.json(PayloadEncoder.encode(value), "the payload of \(key)")
            case .clear(let key):
                _ = try? Self.layout.topic(for: key)
            case .event(let event):
                _ = try? Self.layout.topic(for: event)
                FuzzCheck.json(PayloadEncoder.encode(event), "the payload of an event")
            }
        }
    }
}
