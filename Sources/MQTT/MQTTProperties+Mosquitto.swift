import CMosquitto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension MQTTProperties {
    /// Builds a libmosquitto property list; the caller frees it with `mosquitto_property_free_all`.
    /// Returns nil when there is nothing to send.
    func makeMosquittoList() throws(MQTTError) -> OpaquePointer? {
        if self.isEmpty { return nil }
        var list: OpaquePointer? = nil
        func check(_ rc: Int32, _ what: String) throws(MQTTError) {
            if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
                mosquitto_property_free_all(&list)
                throw MQTTError.from(rc, operation: "add property \(what)")
            }
        }
        if let topic = self.responseTopic {
            try check(
                mosquitto_property_add_string(&list, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), topic),
                "response topic")
        }
        if let data = self.correlationData {
            guard data.count <= Int(UInt16.max) else {
                mosquitto_property_free_all(&list)
                throw MQTTError.invalidConfiguration(
                    field: "correlationData", reason: "must be at most 65535 bytes, got \(data.count)")
            }
            let rc = data.withUnsafeBytes { raw in
                mosquitto_property_add_binary(
                    &list, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), raw.baseAddress, UInt16(data.count))
            }
            try check(rc, "correlation data")
        }
        if let type = self.contentType {
            try check(
                mosquitto_property_add_string(&list, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), type), "content type")
        }
        if let expiry = self.messageExpiryInterval {
            try check(
                mosquitto_property_add_int32(&list, Int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue), expiry),
                "message expiry interval")
        }
        for pair in self.userProperties {
            try check(
                mosquitto_property_add_string_pair(
                    &list, Int32(MQTT_PROP_USER_PROPERTY.rawValue), pair.name, pair.value),
                "user property")
        }
        return list
    }

    /// Copies the properties pbx2mqtt understands out of a received list (which libmosquitto
    /// frees when the callback returns).
    init(mosquittoList list: OpaquePointer?) {
        self.init()
        guard let list else { return }
        self.responseTopic = Self.readString(list, MQTT_PROP_RESPONSE_TOPIC)
        self.contentType = Self.readString(list, MQTT_PROP_CONTENT_TYPE)

        var binary: UnsafeMutableRawPointer? = nil
        var length: UInt16 = 0
        if mosquitto_property_read_binary(list, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), &binary, &length, false)
            != nil
        {
            if let binary {
                self.correlationData = Array(UnsafeRawBufferPointer(start: binary, count: Int(length)))
                free(binary)
            } else {
                self.correlationData = []
            }
        }

        var expiry: UInt32 = 0
        if mosquitto_property_read_int32(list, Int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL.rawValue), &expiry, false)
            != nil
        {
            self.messageExpiryInterval = expiry
        }

        var cursor: OpaquePointer? = list
        var skipFirst = false
        while let current = cursor {
            var name: UnsafeMutablePointer<CChar>? = nil
            var value: UnsafeMutablePointer<CChar>? = nil
            let found = mosquitto_property_read_string_pair(
                current, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &name, &value, skipFirst)
            if found == nil { break }
            let pairName = name.map { String(cString: $0) } ?? ""
            let pairValue = value.map { String(cString: $0) } ?? ""
            free(name)
            free(value)
            self.userProperties.append(MQTTUserProperty(name: pairName, value: pairValue))
            cursor = found
            skipFirst = true
        }
    }

    private static func readString(_ list: OpaquePointer, _ identifier: mqtt5_property) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard mosquitto_property_read_string(list, Int32(identifier.rawValue), &value, false) != nil else {
            return nil
        }
        defer { free(value) }
        return value.map { String(cString: $0) } ?? ""
    }
}

/// Frees a list made by `makeMosquittoList` (for tests, which cannot import CMosquitto).
func mosquittoFreeProperties(_ list: inout OpaquePointer?) {
    mosquitto_property_free_all(&list)
}
