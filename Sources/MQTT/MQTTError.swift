import CMosquitto

/// Everything the MQTT layer can throw, each with a message a user can act on.
public enum MQTTError: Error, Sendable, Hashable {
    /// A configuration value is out of range; `field` names it.
    case invalidConfiguration(field: String, reason: String)
    /// libmosquitto could not allocate its client (out of memory).
    case outOfMemory
    /// A libmosquitto call failed; `code` is the `MOSQ_ERR_*` value, `reason` its text.
    case mosquitto(operation: String, code: Int32, reason: String)
    /// Too many publications wait for the broker; this one was dropped.
    case queueFull(limit: Int)
    /// `start` was called twice, or the client was used after `stop`.
    case invalidState(String)

    /// Wraps a `MOSQ_ERR_*` return value with libmosquitto's own description.
    static func from(_ code: Int32, operation: String) -> MQTTError {
        if code == Int32(MOSQ_ERR_NOMEM.rawValue) {
            return .outOfMemory
        }
        let text = mosquitto_strerror(code).map { String(cString: $0) } ?? "unknown error"
        return .mosquitto(operation: operation, code: code, reason: text)
    }
}

extension MQTTError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidConfiguration(let field, let reason):
            return "invalid MQTT configuration: \(field) \(reason)"
        case .outOfMemory:
            return "libmosquitto ran out of memory"
        case .mosquitto(let operation, let code, let reason):
            return "MQTT \(operation) failed: \(reason) (MOSQ_ERR \(code))" + Self.hint(code)
        case .queueFull(let limit):
            return "MQTT outgoing queue is full (\(limit) messages waiting for the broker); message dropped. "
                + "Check the broker connection or raise maxQueuedMessages."
        case .invalidState(let what):
            return "MQTT client misuse: \(what)"
        }
    }

    private static func hint(_ code: Int32) -> String {
        switch code {
        case Int32(MOSQ_ERR_INVAL.rawValue):
            return "; check the topic (no wildcards when publishing, valid filter when subscribing) and QoS"
        case Int32(MOSQ_ERR_MALFORMED_UTF8.rawValue):
            return "; the topic must be valid UTF-8 without NUL"
        case Int32(MOSQ_ERR_PAYLOAD_SIZE.rawValue), Int32(MOSQ_ERR_OVERSIZE_PACKET.rawValue):
            return "; the payload exceeds what the broker accepts"
        case Int32(MOSQ_ERR_TLS.rawValue):
            return "; check the CA/certificate/key files and that the broker port speaks TLS"
        case Int32(MOSQ_ERR_NOT_SUPPORTED.rawValue):
            return "; MQTT 5 properties need protocolVersion v5"
        default:
            return ""
        }
    }
}
