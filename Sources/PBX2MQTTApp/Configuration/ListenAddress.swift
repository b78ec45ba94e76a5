#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A `host:port` pair to bind a listening socket to.
///
/// Accepts `host:port`, `[v6-address]:port` and `:port`; the last form binds the loopback
/// address, so the endpoint is only reachable from outside when a host is written explicitly.
struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    var host: String
    var port: Int

    /// The host used when the text gives only `:port`.
    static let defaultHost = "127.0.0.1"

    /// Parses `text`, or explains in a phrase why it is not an address.
    static func parse(_ text: String) -> Result<ListenAddress, ParseFailure> {
        let trimmed = text.trimmingSpaces
        let hostPart: Substring
        let portPart: Substring
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else {
                return .failure(ParseFailure(reason: "has no closing ']' after the IPv6 address"))
            }
            hostPart = trimmed[trimmed.index(after: trimmed.startIndex)..<close]
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else {
                return .failure(ParseFailure(reason: "is not host:port (no ':port' after ']')"))
            }
            portPart = rest.dropFirst()
        } else {
            guard let colon = trimmed.lastIndex(of: ":") else {
                return .failure(ParseFailure(reason: "is not host:port (e.g. 127.0.0.1:9108)"))
            }
            hostPart = trimmed[..<colon]
            if hostPart.contains(":") {
                return .failure(ParseFailure(reason: "is not host:port; write IPv6 hosts as [::1]:9108"))
            }
            portPart = trimmed[trimmed.index(after: colon)...]
        }
        guard let port = Int(portPart), (0...65535).contains(port) else {
            return .failure(ParseFailure(reason: "has no port in 0...65535 after ':'"))
        }
        if hostPart.contains(where: { $0.isWhitespace || $0 == "/" }) {
            return .failure(ParseFailure(reason: "has an invalid host"))
        }
        return .success(ListenAddress(host: hostPart.isEmpty ? Self.defaultHost : String(hostPart), port: port))
    }

    /// Why a text is not a listen address.
    struct ParseFailure: Error, Sendable, Equatable {
        let reason: String
    }

    /// `host:port`, bracketing IPv6 hosts.
    var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
