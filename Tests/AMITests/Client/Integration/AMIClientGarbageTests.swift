import AMISimulator
import NIOCore
import Testing

@testable import AMI

/// Raw bytes from the fake Asterisk, over real loopback TCP: what the client does with a
/// packet far over `maxPacketSize`, invalid UTF-8, unknown events and broken packets.
@Suite struct AMIClientGarbageTests {
    typealias Simulator = AMIClientSimulatorTests

    /// Should drop the connection on a 10 MB value (over the default 1 MiB maxPacketSize)
    /// without buffering it all, reconnect, log in again and deliver events again.
    @Test func tenMegabyteValueDropsTheConnectionAndReconnects() async throws {
        try await Simulator.withSimulator { context in
            #expect(await eventually { context.isConnected })
            let huge = "Event: Big\r\nValue: " + String(repeating: "x", count: 10 * 1024 * 1024) + "\r\n\r\n"
            await context.simulator.sendGarbage(Array(huge.utf8))
            #expect(
                await eventually(timeout: .seconds(20)) {
                    context.delegate.states.contains {
                        if case .disconnected(.packetTooLarge(limit: AMIMessageDecoder.defaultMaxPacketSize), _) = $0 {
                            return true
                        }
                        return false
                    }
                })
            #expect(
                await eventually(timeout: .seconds(20)) {
                    context.isConnected && context.count { if case .connected = $0 { true } else { false } } == 2
                })
            await context.simulator.sendGarbage(Array("Event: AfterBig\r\nPrivilege: call,all\r\n\r\n".utf8))
            #expect(await eventually { context.delegate.eventNames.contains("AfterBig") })
            #expect(!context.delegate.eventNames.contains("Big"))
        }
    }

    /// Should deliver an event with invalid UTF-8 (as U+FFFD) and an unknown event, skip a
    /// packet with a line without a colon, and stay on the same connection.
    @Test func invalidUTF8UnknownEventsAndBrokenPacketsKeepTheConnection() async throws {
        try await Simulator.withSimulator { context in
            #expect(await eventually { context.isConnected })
            var bytes = Array("Event: QueueMemberAdded\r\nQueue: q1\r\nMemberName: ".utf8) + [0xFF, 0xC0, 0xAF]
            bytes += Array("\r\nInterface: Local/147@agents/n\r\n\r\n".utf8)
            bytes += Array("Event: NoSuchEventEver\r\nWhatever: 1\r\n\r\n".utf8)
            bytes += Array("Event: Broken\r\nthis line has no colon\r\n\r\n".utf8)
            bytes += Array("Event: Hangup\r\nUniqueid: 9.9\r\n\r\n".utf8)
            await context.simulator.sendGarbage(bytes)
            #expect(await eventually { context.delegate.eventNames.contains("Hangup") })
            let names = context.delegate.eventNames
            #expect(names.contains("QueueMemberAdded"))
            #expect(names.contains("NoSuchEventEver"))
            #expect(!names.contains("Broken"))
            let member = context.delegate.events.first { $0.eventName == "QueueMemberAdded" }
            #expect(member?["MemberName"]?.unicodeScalars.allSatisfy { $0 == "\u{FFFD}" } == true)
            #expect(context.isConnected)
            #expect(context.count { if case .connected = $0 { true } else { false } } == 1)
        }
    }
}
