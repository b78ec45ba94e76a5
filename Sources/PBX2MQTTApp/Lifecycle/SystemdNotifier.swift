import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram per message to
/// the unix socket `$NOTIFY_SOCKET` names (a path, or `@name` for an abstract socket).
///
/// The socket is non-blocking and a send never waits: when systemd's queue is full the message
/// is dropped (the next `STATUS=` or `WATCHDOG=1` follows soon), so it is safe on an event loop.
/// Linux only; elsewhere `init` returns nil and the daemon runs as before.
final class SystemdNotifier: Sendable {
    /// The environment variable systemd sets for `Type=notify` services.
    static let socketVariable = "NOTIFY_SOCKET"

    private let descriptor: Int32
    /// The socket address bytes (`sockaddr_un`) and their significant length.
    private let address: [UInt8]
    /// Where the messages go, as `NOTIFY_SOCKET` spells it (for logs).
    let socketPath: String

    /// A notifier for `$NOTIFY_SOCKET`, or nil when it is unset, empty, not a unix socket
    /// address, or the socket cannot be made.
    init?(environment: [String: String]) {
        #if os(Linux)
            guard let path = environment[Self.socketVariable], path.hasPrefix("/") || path.hasPrefix("@"),
                let address = Self.address(path)
            else {
                return nil
            }
            let descriptor = socket(
                AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
            self.address = address
            self.socketPath = path
        #else
            return nil
        #endif
    }

    deinit {
        close(self.descriptor)
    }

    /// Sends `message` (newline-separated `KEY=value` lines); false when it could not be sent.
    @discardableResult
    func send(_ message: String) -> Bool {
        #if os(Linux)
            let bytes = Array(message.utf8)
            let sent = self.address.withUnsafeBytes { address in
                bytes.withUnsafeBytes { payload in
                    sendto(
                        self.descriptor, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL),
                        address.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
                }
            }
            return sent == bytes.count
        #else
            return false
        #endif
    }

    /// How often to send `WATCHDOG=1`: half of `$WATCHDOG_USEC` (as sd_watchdog_enabled(3)
    /// advises), or nil when systemd expects no pings (unset, zero, or `$WATCHDOG_PID` names
    /// another process).
    static func watchdogInterval(environment: [String: String]) -> TimeAmount? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else {
            return nil
        }
        if let pid = environment["WATCHDOG_PID"].flatMap(Int32.init), pid != getpid() {
            return nil
        }
        return .microseconds(max(microseconds / 2, 1))
    }

    #if os(Linux)
        /// `sockaddr_un` for `path`; `@` stands for the leading NUL of an abstract address.
        private static func address(_ path: String) -> [UInt8]? {
            var name = Array(path.utf8)
            let abstract = name.first == UInt8(ascii: "@")
            if abstract {
                name[0] = 0
            }
            var storage = sockaddr_un()
            let capacity = MemoryLayout.size(ofValue: storage.sun_path)
            // A path needs room for its terminating NUL; an abstract name is counted exactly.
            guard name.count < capacity || (abstract && name.count <= capacity) else { return nil }
            storage.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &storage.sun_path) { buffer in
                buffer.copyBytes(from: name)
            }
            let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
            let length = offset + name.count + (abstract ? 0 : 1)
            return withUnsafeBytes(of: &storage) { Array($0.prefix(length)) }
        }
    #endif
}
