import CallCenter

/// The AMI fuzzer's structure-aware mutator: it edits the input as AMI packets (lines of
/// `Key: value`, a blank line between packets) and otherwise falls back on libFuzzer's own
/// byte mutation, which also uses the `-dict=` dictionary.
package enum AMIMutator {
    /// The mutation of `input` for `seed`, at most `maxSize` bytes. `fallback` is libFuzzer's
    /// own mutation (a no-op in tests).
    package static func mutate(
        _ input: [UInt8], maxSize: Int, seed: UInt32, fallback: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        var random = FuzzRandom(seed: seed)
        var bytes = input
        switch random.below(12) {
        case 0..<4: fallback(&bytes)
        case 4, 5: Self.setNumber(&bytes, &random)
        case 6: Self.insertPacket(Self.packet(&random), into: &bytes, &random)
        case 7: Self.setAnyValue(&bytes, &random)
        case 8: Self.renameEvent(&bytes, &random)
        case 9: Self.insertNumberLine(&bytes, &random)
        default: Self.reorderPackets(&bytes, &random)
        }
        return bytes.count > maxSize ? Array(bytes.prefix(maxSize)) : bytes
    }

    // MARK: Packets and lines

    /// Byte ranges of the lines (without their newline).
    static func lines(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            let end = index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
            ranges.append(start..<end)
            start = index + 1
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    /// The packets, each with its closing blank line.
    static func packets(_ bytes: [UInt8]) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var current: [UInt8] = []
        for line in Self.lines(bytes) {
            if line.isEmpty {
                if !current.isEmpty { packets.append(current + Array("\r\n".utf8)) }
                current = []
            } else {
                current += bytes[line] + Array("\r\n".utf8)
            }
        }
        if !current.isEmpty { packets.append(current + Array("\r\n".utf8)) }
        return packets
    }

    /// A whole packet of a random modelled event, every field set, numbers often extreme.
    static func packet(_ random: inout FuzzRandom) -> [UInt8] {
        let event = random.pick(ModelEvent.allCases)
        let (numeric, text) = AMIVocabulary.fields(of: event)
        var packet = "Event: \(event.rawValue)\r\n"
        for field in (numeric + text).shuffled(using: &random) {
            let value: String
            if numeric.contains(field), random.chance(2, in: 3) {
                let number = random.pick(AMIVocabulary.extremeNumbers)
                value = field == "Linkedid" ? "\(number).\(random.below(100))" : number
            } else if numeric.contains(field) {
                value = field == "Linkedid" ? "1795618199.\(random.below(9))" : "\(random.below(20))"
            } else {
                value =
                    random.chance(1, in: 8) ? random.pick(AMIVocabulary.hostileText) : random.pick(AMIVocabulary.ids)
            }
            packet += "\(field): \(value)\r\n"
        }
        return Array((packet + "\r\n").utf8)
    }

    // MARK: Mutations

    /// Puts an extreme number into one numeric header already in the input.
    static func setNumber(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let numeric = Self.lines(bytes).filter { line in
            AMIVocabulary.numericFields.contains { Self.line(bytes[line], hasKey: $0) }
        }
        guard !numeric.isEmpty else {
            Self.insertNumberLine(&bytes, &random)
            return
        }
        Self.replaceValue(of: random.pick(numeric), with: random.pick(AMIVocabulary.extremeNumbers), in: &bytes)
    }

    /// Adds a numeric header (any of them) after an `Event:` line.
    static func insertNumberLine(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let line = "\(random.pick(AMIVocabulary.numericFields)): \(random.pick(AMIVocabulary.extremeNumbers))\r\n"
        let events = Self.lines(bytes).filter { Self.line(bytes[$0], hasKey: "Event") }
        guard !events.isEmpty else {
            bytes = Array(("Event: \(random.pick(ModelEvent.allCases).rawValue)\r\n" + line + "\r\n").utf8) + bytes
            return
        }
        let after = min(random.pick(events).upperBound + 2, bytes.count)
        bytes.insert(contentsOf: Array(line.utf8), at: after)
    }

    /// Replaces any header's value with an id, an extreme number or hostile text.
    static func setAnyValue(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let lines = Self.lines(bytes).filter { bytes[$0].contains(UInt8(ascii: ":")) }
        guard !lines.isEmpty else { return }
        let pool = AMIVocabulary.ids + AMIVocabulary.extremeNumbers + AMIVocabulary.hostileText
        Self.replaceValue(of: random.pick(lines), with: random.pick(pool), in: &bytes)
    }

    /// Makes an event another modelled event (same fields, other meaning).
    static func renameEvent(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        let events = Self.lines(bytes).filter { Self.line(bytes[$0], hasKey: "Event") }
        guard !events.isEmpty else { return }
        Self.replaceValue(of: random.pick(events), with: random.pick(ModelEvent.allCases).rawValue, in: &bytes)
    }

    /// Swaps, repeats or drops packets: events out of order, twice, or missing.
    static func reorderPackets(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        var packets = Self.packets(bytes)
        guard !packets.isEmpty else { return }
        let first = random.below(packets.count)
        let second = random.below(packets.count)
        switch random.below(3) {
        case 0: packets.swapAt(first, second)
        case 1: packets.insert(packets[first], at: second)
        default: if packets.count > 1 { packets.remove(at: first) }
        }
        bytes = packets.flatMap { $0 }
    }

    static func insertPacket(_ packet: [UInt8], into bytes: inout [UInt8], _ random: inout FuzzRandom) {
        var packets = Self.packets(bytes)
        packets.insert(packet, at: random.below(packets.count + 1))
        bytes = packets.flatMap { $0 }
    }

    static func line(_ line: ArraySlice<UInt8>, hasKey key: String) -> Bool {
        let key = Array(key.utf8) + [UInt8(ascii: ":")]
        return line.count >= key.count && line.prefix(key.count).elementsEqual(key)
    }

    static func replaceValue(of line: Range<Int>, with value: String, in bytes: inout [UInt8]) {
        guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else { return }
        bytes.replaceSubrange((colon + 1)..<line.upperBound, with: Array((" " + value).utf8))
    }
}
