import NIOSSL

/// Why a TLS connection to Asterisk failed, sorted by what the user has to change.
///
/// BoringSSL reports these as error-stack strings (`…:CERTIFICATE_VERIFY_FAILED`,
/// `…:TLSV1_ALERT_UNKNOWN_CA`); the client turns them into one of these cases so the log says
/// which key to fix instead of an OpenSSL error code.
public enum AMITLSFailure: Sendable, Hashable {
    /// Asterisk's certificate does not chain to a trusted CA (self-signed, a private CA not in
    /// `ami.tlsCaFile`, expired).
    case untrustedCertificate(detail: String)
    /// The certificate is trusted but does not name the host the client connected to.
    case hostnameMismatch(host: String)
    /// Asterisk refused the client certificate, or wanted one and got none.
    case clientCertificateRejected(detail: String)
    /// The peer does not speak TLS (the clear-text manager port, or another service).
    case notTLS(detail: String)
    /// Anything else BoringSSL reported.
    case other(String)

    /// The failure `error` stands for, or nil when it is not a TLS failure (an unclean close
    /// after the handshake is an ordinary disconnect: Asterisk closes without close_notify).
    init?(_ error: any Error, host: String) {
        if let extra = error as? NIOSSLExtraError {
            if extra == .failedToValidateHostname || extra == .serverHostnameImpossibleToMatch {
                self = .hostnameMismatch(host: host)
            } else {
                self = .other("\(extra)")
            }
            return
        }
        let text: String
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .uncleanShutdown:
                return nil
            case .handshakeFailed(let inner):
                text = "\(inner)"
            default:
                text = "\(ssl)"
            }
        } else if let boring = error as? BoringSSLError {
            text = "\(boring)"
        } else {
            return nil
        }
        self = Self.classify(text)
    }

    /// Sorts a BoringSSL error text by the reason codes it contains.
    static func classify(_ text: String) -> AMITLSFailure {
        let upper = text.uppercased()
        func has(_ codes: String...) -> Bool { codes.contains { upper.contains($0) } }
        if has("CERTIFICATE_VERIFY_FAILED") {
            return .untrustedCertificate(detail: Self.reasonCode(in: upper) ?? "certificate verify failed")
        }
        if has(
            "ALERT_CERTIFICATE_REQUIRED", "ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_HANDSHAKE_FAILURE",
            "ALERT_CERTIFICATE_UNKNOWN", "ALERT_ACCESS_DENIED", "PEER_DID_NOT_RETURN_A_CERTIFICATE")
        {
            return .clientCertificateRejected(detail: Self.reasonCode(in: upper) ?? text)
        }
        if has("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "UNEXPECTED_RECORD", "RECORD_TOO_LARGE", "PACKET_LENGTH") {
            return .notTLS(detail: Self.reasonCode(in: upper) ?? text)
        }
        return .other(Self.reasonCode(in: upper) ?? text)
    }

    /// The reason code of the first BoringSSL error (`…:OPENSSL_internal:CODE at file:line`),
    /// in lower case with spaces, as OpenSSL prints reasons.
    static func reasonCode(in upper: String) -> String? {
        guard let range = upper.firstRange(of: "OPENSSL_INTERNAL:") else { return nil }
        let code = upper[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard !code.isEmpty else { return nil }
        return code.lowercased().replacing("_", with: " ")
    }
}

extension AMITLSFailure: CustomStringConvertible {
    /// What went wrong and which key fixes it.
    public var description: String {
        switch self {
        case .untrustedCertificate(let detail):
            "\(detail) (Asterisk's certificate does not chain to a trusted CA) — set ami.tlsCaFile to the CA that "
                + "signed Asterisk's certificate (manager.conf tlscertfile)"
        case .hostnameMismatch(let host):
            "the certificate does not name '\(host)' in its subjectAltName — set ami.host to a name the certificate "
                + "lists, or reissue it for this name"
        case .clientCertificateRejected(let detail):
            "Asterisk refused the client certificate (\(detail)) — set ami.tlsCertFile and ami.tlsKeyFile to a "
                + "certificate signed by the CA in manager.conf tlscafile"
        case .notTLS(let detail):
            "the peer does not speak TLS (\(detail)) — point ami.port at Asterisk's tlsbindport (5039 by default), "
                + "not the clear-text manager port"
        case .other(let detail):
            detail
        }
    }
}
