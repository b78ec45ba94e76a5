import AMI
import CallCenter
import Foundation
import FuzzHarness
import PBXTestSupport
import Testing

/// The fuzzers' harnesses without the sanitizer build: every committed seed and every input a
/// fuzzer once crashed on (Fuzz/Regressions) replays cleanly, and the structure-aware parts do
/// what the fuzzers rely on.
@Suite struct FuzzHarnessTests {
    static let fuzzDirectory = Fixtures.repositoryRoot.appendingPathComponent("Fuzz").path

    static func inputs(_ kind: String) -> [String] {
        ["Corpus", "Regressions"].flatMap { FuzzReplay.files(at: "\(Self.fuzzDirectory)/\($0)/\(kind)") }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try #require(FileManager.default.contents(atPath: path)))
    }

    /// Should replay every AMI seed and regression input through the decoder, model and encoder.
    @Test func replaysAMIInputs() throws {
        let inputs = Self.inputs("ami")
        #expect(inputs.count > 100)
        for path in inputs { AMIFuzzHarness.run(try Self.bytes(path)) }
    }

    /// Should replay every command seed and regression input through the parser and planner.
    @Test func replaysCommandInputs() throws {
        let inputs = Self.inputs("commands")
        #expect(inputs.count > 20)
        for path in inputs { CommandFuzzHarness.run(try Self.bytes(path)) }
    }

    /// Should replay every configuration seed and regression input through check-config's path.
    @Test func replaysConfigurationInputs() throws {
        let inputs = Self.inputs("config")
        #expect(inputs.count > 5)
        for path in inputs { ConfigurationFuzzHarness.run(try Self.bytes(path)) }
    }

    /// Should, over a few thousand seeds, put a number no field accepts into every numeric
    /// field of every modelled event (what plain byte mutation never managed).
    @Test func mutatorReachesEveryNumericFieldOfEveryEvent() throws {
        let seed = Array("Event: QueueEntry\r\nQueue: q1\r\nUniqueid: 1.1\r\nWait: 3\r\n\r\n".utf8)
        var reached: Set<String> = []
        let hostile: Set = [
            "99999999999999999999", "9223372036854775808", "9223372036854775807", "-9223372036854775808",
            "18446744073709551616", "NaN", "nan", "inf", "1e308", "-0", " 12", "12abc",
        ]
        var input = seed
        for round in 0..<8000 {
            let output = AMIMutator.mutate(input, maxSize: 8192, seed: UInt32(round), fallback: { _ in })
            #expect(output.count <= 8192)
            let frames = (try? decodeAMIFrames(output, chunkSizes: [], expectBanner: false)) ?? []
            for case .message(let message) in frames {
                guard let name = message.eventName, let event = ModelEvent(eventName: name) else { continue }
                for field in AMIVocabulary.fields(of: event).numeric {
                    let value = message[field] ?? ""
                    let seconds = field == "Linkedid" ? String(value.prefix { $0 != "." }) : value
                    if hostile.contains(seconds) { reached.insert("\(name).\(field)") }
                }
            }
            // Keep inputs small, as libFuzzer does with its length limit.
            input = output.count < 4096 ? output : seed
        }
        let all = ModelEvent.allCases.flatMap { event in
            AMIVocabulary.fields(of: event).numeric.map { "\(event.rawValue).\($0)" }
        }
        #expect(Set(all).subtracting(reached).isEmpty, "never reached: \(Set(all).subtracting(reached).sorted())")
    }

    /// Should list in the AMI dictionary every event name, every header the model reads and
    /// the extreme numbers, so that libFuzzer's own mutations use them too.
    @Test func amiDictionaryNamesTheVocabulary() throws {
        let dictionary = try String(contentsOfFile: "\(Self.fuzzDirectory)/Dictionaries/ami.dict", encoding: .utf8)
        let entries = Set(
            dictionary.split(separator: "\n").filter { $0.hasPrefix("\"") }.map { String($0.dropFirst().dropLast()) })
        let expected =
            ModelEvent.allCases.map { "Event: \($0.rawValue)" } + AMIVocabulary.allFields.map { "\r\n\($0): " }
            + AMIVocabulary.extremeNumbers.filter { !$0.isEmpty && $0.count < 64 && $0.allSatisfy(\.isASCII) }
        // libFuzzer dictionaries write bytes outside printable ASCII as \xNN.
        let escaped = expected.map {
            $0.replacingOccurrences(of: "\r", with: "\\x0D").replacingOccurrences(of: "\n", with: "\\x0A")
        }
        #expect(Set(escaped).subtracting(entries).isEmpty, "missing: \(Set(escaped).subtracting(entries).sorted())")
    }
}
