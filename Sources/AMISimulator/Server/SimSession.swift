import AMI
import NIOCore

/// One manager connection's state: login, event mask, filters.
final class SimSession {
    let id: Int
    let channel: any Channel
    let sessionID: String
    let localAddress: String
    let remoteAddress: String
    var sessionTV = ""
    var user: SimulatorUser?
    var challenge: String?
    /// The session's `Events` mask (send_events).
    var eventMask: AMIPrivilege = .all
    var filters: [EventFilter] = []
    var hasIncludeFilter = false
    var hasExcludeFilter = false
    /// Set when the connection is closing: nothing more is read or written.
    var closing = false
    /// A failed login is being answered (after a delay); nothing else is.
    var authFailed = false
    /// Actions received while the simulator is stalled, answered when it resumes.
    var stalledActions: [AMIMessage] = []
    var needsFlush = false

    init(id: Int, channel: any Channel) {
        self.id = id
        self.channel = channel
        self.sessionID = "0x7f54" + String(0x3400_1c90 + id * 0x1000, radix: 16)
        self.localAddress = Self.format(channel.localAddress)
        self.remoteAddress = Self.format(channel.remoteAddress)
    }

    var isAuthenticated: Bool { self.user != nil }
    var username: String? { self.user?.username }

    /// `IPV4/TCP/127.0.0.1/5038` as Asterisk's security events write addresses.
    private static func format(_ address: SocketAddress?) -> String {
        guard let address else { return "IPV4/TCP/0.0.0.0/0" }
        let family: String
        switch address {
        case .v6: family = "IPV6"
        default: family = "IPV4"
        }
        return "\(family)/TCP/\(address.ipAddress ?? "0.0.0.0")/\(address.port ?? 0)"
    }

    /// Whether an unsolicited event reaches this session: read permission and mask cover its
    /// class, then the filters (none: all; includes: one must match; excludes: none may).
    func accepts(_ event: SimEvent, text: () -> String) -> Bool {
        guard let user = self.user, !self.closing else { return false }
        guard user.read.isSuperset(of: event.category), self.eventMask.isSuperset(of: event.category) else {
            return false
        }
        if event.category.isEmpty, self.eventMask.isEmpty { return false }
        guard !self.filters.isEmpty else { return true }
        var cachedText: String?
        let lazyText = {
            if let cachedText { return cachedText }
            let built = text()
            cachedText = built
            return built
        }
        if self.hasIncludeFilter {
            var included = false
            for filter in self.filters where !filter.isExclude {
                if filter.matches(event.message, text: lazyText) {
                    included = true
                    break
                }
            }
            if !included { return false }
        }
        if self.hasExcludeFilter {
            for filter in self.filters where filter.isExclude {
                if filter.matches(event.message, text: lazyText) { return false }
            }
        }
        return true
    }

    func addFilter(_ filter: EventFilter) {
        self.filters.append(filter)
        if filter.isExclude { self.hasExcludeFilter = true } else { self.hasIncludeFilter = true }
    }

    /// Encodes and queues a packet; the core flushes once per turn.
    func send(_ message: AMIMessage) {
        guard !self.closing else { return }
        var buffer = self.channel.allocator.buffer(capacity: 256)
        do {
            try AMIMessageEncoder.write(message, to: &buffer)
        } catch {
            return
        }
        self.channel.write(buffer, promise: nil)
        self.needsFlush = true
    }

    func sendRaw(_ bytes: [UInt8]) {
        guard !self.closing else { return }
        self.channel.write(self.channel.allocator.buffer(bytes: bytes), promise: nil)
        self.needsFlush = true
    }

    func flushIfNeeded() {
        if self.needsFlush {
            self.needsFlush = false
            self.channel.flush()
        }
    }

    func close() {
        guard !self.closing else { return }
        self.flushIfNeeded()
        self.closing = true
        self.channel.close(promise: nil)
    }
}

@available(*, unavailable)
extension SimSession: Sendable {}
