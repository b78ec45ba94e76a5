import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps the listener's port while the simulator refuses connections.
///
/// A socket bound to the listener's address but not listening: connecting gets ECONNREFUSED
/// as with nothing bound, yet no other socket can take the port meanwhile. Without it, any
/// `bind` to port 0 on the machine (another test's simulator, broker or HTTP server) may get
/// the freed port during the window, and listening again then fails with EADDRINUSE. Both
/// it and the new listener set SO_REUSEADDR, which lets the listener bind next to it (two
/// sockets may share an address while neither listens when the second binds); it is closed
/// once the listener is back. Non-blocking system calls only: safe on the event loop.
struct PortReservation: Sendable {
    private let descriptor: Int32

    /// Binds a socket to `address`, or nil when that fails (the refusal then goes on without
    /// it, as before: listening again may find the port taken).
    init?(holding address: SocketAddress) {
        #if os(Linux)
            let type = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
        #else
            let type = SOCK_STREAM
        #endif
        let descriptor = socket(Int32(address.protocol.rawValue), type, 0)
        guard descriptor >= 0 else { return nil }
        var reuse: Int32 = 1
        let bound =
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0
            && address.withSockAddr { bind(descriptor, $0, socklen_t($1)) } == 0
        guard bound else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    /// Gives the port up (the listener holds it again, or the simulator shut down).
    func release() {
        close(self.descriptor)
    }
}
