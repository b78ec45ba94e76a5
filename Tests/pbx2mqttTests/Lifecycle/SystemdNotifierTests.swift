import Foundation
import NIOCore
import Testing

@testable import PBX2MQTTApp

#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify without libsystemd: addresses, the watchdog interval, and what a send does.
@Suite struct SystemdNotifierTests {
    /// Binds a datagram socket at `address` (`@name` abstract), returns its descriptor.
    static func bindReceiver(_ path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var name = Array(path.utf8)
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2) + name.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try #require(bound == 0, "bind errno \(errno)")
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    static func receive(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : nil
    }

    /// Should deliver a message to an abstract socket (`@name`) and to a path socket.
    @Test(arguments: ["@pbx2mqtt-test-\(UUID().uuidString.prefix(8))", "/tmp/p2m-sd-\(UUID().uuidString.prefix(8))"])
    func sendsToAbstractAndPathSockets(path: String) throws {
        let receiver = try Self.bindReceiver(path)
        defer {
            close(receiver)
            if path.hasPrefix("/") { unlink(path) }
        }
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path]))
        #expect(notifier.send("READY=1\nSTATUS=hello"))
        #expect(Self.receive(receiver) == "READY=1\nSTATUS=hello")
    }

    /// Should do nothing without NOTIFY_SOCKET (or with one that is not a unix socket address),
    /// and report a failed send instead of blocking when nobody listens.
    @Test func absentOrInvalidSocketMeansNoNotifier() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]) == nil)
        let nobody = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/tmp/p2m-nobody-\(UUID().uuidString.prefix(8))"])
        #expect(nobody?.send("WATCHDOG=1") == false)
    }

    /// Should ping at half WATCHDOG_USEC, and not at all when WATCHDOG_PID names another process.
    @Test func watchdogIntervalIsHalfTheTimeout() {
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"]) == .seconds(15))
        #expect(
            SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "\(getpid())"])
                == .milliseconds(200))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "400000", "WATCHDOG_PID": "1"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: [:]) == nil)
    }
}
