import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What systemd's end of `NOTIFY_SOCKET` sees: a unix datagram socket the test binds, whose
/// datagrams (sd_notify messages) a background thread collects with their arrival time.
final class FakeNotifySocket: Sendable {
    /// The socket's path, for `NOTIFY_SOCKET`.
    let path: String
    private let descriptor: Int32
    private let received = Mutex<[(time: Date, message: String)]>([])
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)

    init() throws {
        // sun_path holds 108 bytes: a short name under /tmp.
        self.path = "/tmp/p2m-notify-\(UUID().uuidString.prefix(8)).sock"
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw FakeNotifySocketError.socket(errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array(self.path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw FakeNotifySocketError.bind(errno)
        }
        // Wake up every 100 ms to notice `stop()`.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.descriptor = descriptor
        let thread = Thread { [self] in self.receiveLoop() }
        thread.start()
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !self.stopped.load(ordering: .acquiring) {
            let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let message = String(decoding: buffer.prefix(count), as: UTF8.self)
                self.received.withLock { $0.append((Date(), message)) }
            }
        }
        self.finished.withLock { $0 = true }
    }

    /// Every datagram so far, in arrival order.
    var messages: [(time: Date, message: String)] { self.received.withLock { $0 } }

    /// The datagrams that hold `line` (e.g. `READY=1`) as one of their lines.
    func messages(with line: String) -> [(time: Date, message: String)] {
        self.messages.filter { $0.message.split(separator: "\n").contains { $0 == line } }
    }

    /// The `STATUS=` values so far.
    var statuses: [String] {
        self.messages.flatMap { entry in
            entry.message.split(separator: "\n").compactMap { line in
                line.hasPrefix("STATUS=") ? String(line.dropFirst("STATUS=".count)) : nil
            }
        }
    }

    /// Polls until `condition` holds; false after `timeout` seconds.
    func wait(timeout: Double = 10, until condition: (FakeNotifySocket) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(self)
    }

    /// Stops the receiving thread, closes the socket and removes its file.
    func stop() async {
        self.stopped.store(true, ordering: .releasing)
        for _ in 0..<50 where !self.finished.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        close(self.descriptor)
        unlink(self.path)
    }
}

enum FakeNotifySocketError: Error, CustomStringConvertible {
    case socket(Int32)
    case bind(Int32)

    var description: String {
        switch self {
        case .socket(let code): "socket(AF_UNIX, SOCK_DGRAM) failed: errno \(code)"
        case .bind(let code): "binding the fake NOTIFY_SOCKET failed: errno \(code)"
        }
    }
}
