import AMI
import PBXTestSupport

/// What a packet looks like, values aside: its type and its header names in order.
///
/// A packet's type is its event name, or `Response: <value>` for responses; the fidelity
/// tests compare the simulator's packets with the captured ones type by type.
struct PacketShape: Hashable, CustomStringConvertible {
    var type: String
    var keys: [String]

    init(_ message: AMIMessage) {
        if let event = message.fields.first, event.key == "Event" {
            self.type = event.value
        } else if let response = message.response {
            self.type = "Response: \(response)"
        } else {
            self.type = message.fields.first?.key ?? ""
        }
        self.keys = message.fields.map(\.key)
    }

    var description: String { "\(self.type) [\(self.keys.joined(separator: ", "))]" }
}

/// The shapes of one capture (or all of them), grouped by packet type.
struct ShapeCatalog {
    var shapes: [String: Set<[String]>] = [:]

    init(_ messages: [AMIMessage]) {
        for message in messages {
            let shape = PacketShape(message)
            self.shapes[shape.type, default: []].insert(shape.keys)
        }
    }

    static func fixture(_ name: String) throws -> ShapeCatalog {
        ShapeCatalog(try decodeAMIMessages(Fixtures.bytes(name)))
    }

    /// Every capture together: the reference for packet types a scenario's own capture lacks.
    static func allFixtures() throws -> ShapeCatalog {
        var all: [AMIMessage] = []
        for name in try Fixtures.transcriptNames() + Fixtures.callFeatureTranscriptNames() {
            all += try decodeAMIMessages(Fixtures.bytes(name))
        }
        return ShapeCatalog(all)
    }

    var types: Set<String> { Set(self.shapes.keys) }

    /// Packets of `messages` whose type Asterisk sent but whose header sequence it never did.
    func mismatches(in messages: [AMIMessage]) -> [String] {
        var problems: [String] = []
        var seen = Set<PacketShape>()
        for message in messages {
            let shape = PacketShape(message)
            guard let known = self.shapes[shape.type], !known.contains(shape.keys), seen.insert(shape).inserted else {
                continue
            }
            let reference = known.first.map { $0.joined(separator: ", ") } ?? ""
            problems.append("\(shape) differs from Asterisk's [\(reference)]")
        }
        return problems
    }
}
