import MQTT
import Testing

@testable import Bridge

struct CoalescingQueueTests {
    static func message(_ topic: String, _ value: String) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Array(value.utf8), qos: .atLeastOnce, retain: true)
    }

    /// Should keep one value per topic, the newest, in the order topics first waited.
    @Test func newestValuePerTopicInFirstWaitOrder() {
        var queue = CoalescingQueue()
        queue.push(Self.message("a", "1"))
        queue.push(Self.message("b", "1"))
        queue.push(Self.message("a", "2"))
        queue.push(Self.message("c", "1"))
        queue.push(Self.message("b", "2"))
        #expect(queue.count == 3)
        var popped: [String] = []
        while let message = queue.pop() {
            popped.append("\(message.topic)=\(String(decoding: message.payload, as: UTF8.self))")
        }
        #expect(popped == ["a=2", "b=2", "c=1"])
        #expect(queue.isEmpty)
    }

    /// Should forget a removed topic and take it again at the back.
    @Test func removedTopicsLeaveTheQueue() {
        var queue = CoalescingQueue()
        queue.push(Self.message("a", "1"))
        queue.push(Self.message("b", "1"))
        queue.remove(topic: "a")
        queue.push(Self.message("a", "3"))
        #expect(queue.pop()?.topic == "b")
        #expect(queue.pop()?.topic == "a")
        #expect(queue.pop() == nil)
    }

    /// Should stay correct across compaction of a long queue: a topic pushed again after it
    /// keeps its place with the new value, a removed one leaves, a new one goes to the back.
    @Test func longQueuesCompactWithoutLosingOrder() {
        var queue = CoalescingQueue()
        for index in 0..<5000 { queue.push(Self.message("t\(index)", "\(index)")) }
        for index in 0..<3000 { #expect(queue.pop()?.topic == "t\(index)") }
        queue.push(Self.message("t4000", "new"))
        queue.remove(topic: "t4500")
        queue.push(Self.message("late", "x"))
        var rest: [String] = []
        while let message = queue.pop() {
            rest.append("\(message.topic)=\(String(decoding: message.payload, as: UTF8.self))")
        }
        #expect(rest.count == 2000)
        #expect(rest.first == "t3000=3000")
        #expect(rest[1000] == "t4000=new")
        #expect(!rest.contains("t4500=4500"))
        #expect(rest.last == "late=x")
        // Compacted again and again while refilled, it pops what a plain list would.
        var model: [(topic: String, value: String)] = []
        var popped: [String] = []
        var expected: [String] = []
        for round in 0..<6 {
            for index in 0..<3000 {
                let topic = "r\(index % (1500 + round * 300))"
                let value = "\(round).\(index)"
                queue.push(Self.message(topic, value))
                if let place = model.firstIndex(where: { $0.topic == topic }) {
                    model[place].value = value
                } else {
                    model.append((topic, value))
                }
            }
            for _ in 0..<(1200 + round * 100) {
                if let message = queue.pop() {
                    popped.append("\(message.topic)=\(String(decoding: message.payload, as: UTF8.self))")
                }
                if !model.isEmpty {
                    let first = model.removeFirst()
                    expected.append("\(first.topic)=\(first.value)")
                }
            }
        }
        while let message = queue.pop() {
            popped.append("\(message.topic)=\(String(decoding: message.payload, as: UTF8.self))")
        }
        expected += model.map { "\($0.topic)=\($0.value)" }
        #expect(popped == expected)
    }
}
