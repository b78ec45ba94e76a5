import NIOCore

/// Why an action failed or why the connection ended, worded so the user knows what to check.
public enum AMIClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Asterisk refused the login; `message` is Asterisk's own text (`Authentication failed`).
    case loginFailed(message: String)
    /// The peer's first line was not an AMI banner.
    case notAnAMIServer(firstLine: String)
    /// The TCP connection opened but no banner arrived within `actionTimeout`.
    case bannerTimeout
    /// A `Ping` stayed unanswered for `keepaliveTimeout`: the connection was declared dead.
    case keepaliveTimeout
    /// The connection closed (by Asterisk, the network or a shutdown) before the answer came.
    case connectionClosed
    /// The action was sent while no logged-in connection existed.
    case notConnected
    /// No answer to `action` within its timeout. Only this action failed.
    case timeout(action: String)
    /// A packet exceeded `limit` bytes; the connection was closed.
    case packetTooLarge(limit: Int)
    /// The TCP connection could not be opened.
    case connectFailed(String)
    /// The action could not be written without changing its meaning; nothing was sent.
    case encoding(AMIEncodingError)
    /// Asterisk answered `Response: Error` (thrown only by `AMIResponse.checked()`).
    case actionFailed(action: String, message: String)
    /// The client was shut down.
    case shutdown
    /// The TCP connection opened but TLS with `endpoint` (`host:port`) failed; the client
    /// retries with the usual backoff, as a refused connect.
    case tlsHandshakeFailed(endpoint: String, failure: AMITLSFailure)
    /// The TLS files could not be loaded (see `AMITLSConfiguration.validate()`).
    case tlsSetupFailed(String)

    public var description: String {
        switch self {
        case .loginFailed(let message):
            "Asterisk refused the AMI login (\(message)): check ami.username and ami.secret against manager.conf, and that the user's `permit`/`deny` allow this host"
        case .notAnAMIServer(let line):
            "the peer did not greet with an AMI banner, it sent \(line.debugDescription): check ami.host and ami.port point at Asterisk's manager port (5038 by default)"
        case .bannerTimeout:
            "the TCP connection opened but no AMI banner arrived in time: check ami.host and ami.port point at Asterisk's manager port (5038 by default)"
        case .keepaliveTimeout:
            "Asterisk did not answer a Ping in time; the connection was considered dead and is being re-established"
        case .connectionClosed:
            "the AMI connection closed before the answer arrived"
        case .notConnected:
            "the AMI client is not connected and logged in; retry once the connection is back"
        case .timeout(let action):
            "Asterisk did not answer the \(action) action in time"
        case .packetTooLarge(let limit):
            "an AMI packet exceeded \(limit) bytes; the connection was closed (raise ami.maxPacketSize if Asterisk really sends such packets)"
        case .connectFailed(let reason):
            "could not connect to the AMI port (\(reason)): check that Asterisk runs, that manager.conf has `enabled = yes`, and ami.host/ami.port"
        case .encoding(let error):
            error.description
        case .actionFailed(let action, let message):
            "Asterisk refused the \(action) action: \(message)"
        case .shutdown:
            "the AMI client has been shut down"
        case .tlsHandshakeFailed(let endpoint, let failure):
            "TLS handshake with \(endpoint) failed: \(failure)"
        case .tlsSetupFailed(let reason):
            "AMI TLS is misconfigured: \(reason)"
        }
    }
}
