import PBXCore

/// A packet as Asterisk sends it: a response, an event, or (on the server side) an action.
///
/// The type is deliberately a thin ordered list of fields: the protocol layer must not
/// interpret what a packet means beyond the few keys that route it (`Response`, `Event`,
/// `ActionID`, `EventList`). The call-center model gives the fields their meaning.
public struct AMIMessage: Sendable, Hashable {
    public var fields: [AMIField]

    public init(fields: [AMIField] = []) {
        self.fields = fields
    }

    /// Builds a packet from `(key, value)` pairs in order, for tests and the simulator.
    public init(_ pairs: KeyValuePairs<String, String>) {
        self.fields = pairs.map { AMIField($0.key, $0.value) }
    }

    /// The first value of `key`.
    ///
    /// AMI keys are case-insensitive for Asterisk's own parser, so a lookup that misses the
    /// exact spelling falls back to a case-insensitive match (Asterisk spells `Ringinuse`,
    /// some callers write `RingInUse`).
    public subscript(key: String) -> String? {
        for field in self.fields where field.key == key {
            return field.value
        }
        for field in self.fields where field.key.caseInsensitiveEquals(key) {
            return field.value
        }
        return nil
    }

    /// Every value of a repeated key, in wire order (`Variable`, `Output`).
    public func values(of key: String) -> [String] {
        self.fields.filter { $0.key.caseInsensitiveEquals(key) }.map(\.value)
    }

    /// Appends a field at the end, keeping duplicates.
    public mutating func append(_ key: String, _ value: String) {
        self.fields.append(AMIField(key, value))
    }

    /// Sets the first occurrence of `key`, or appends it.
    public mutating func set(_ key: String, _ value: String) {
        if let index = self.fields.firstIndex(where: { $0.key.caseInsensitiveEquals(key) }) {
            self.fields[index].value = value
        } else {
            self.fields.append(AMIField(key, value))
        }
    }

    /// Removes every occurrence of `key`.
    public mutating func remove(_ key: String) {
        self.fields.removeAll { $0.key.caseInsensitiveEquals(key) }
    }

    /// The `Event` name for events, nil for responses and actions.
    public var eventName: String? { self["Event"] }

    /// The `Response` value (`Success`, `Error`, `Follows`, `Goodbye`) for responses.
    public var response: String? { self["Response"] }

    /// The `Action` name, when this packet is an action (server side).
    public var actionName: String? { self["Action"] }

    /// The `ActionID`, echoed by Asterisk on responses, list items and OriginateResponse.
    public var actionID: String? { self["ActionID"] }

    /// True for a `Response: Error` packet.
    public var isError: Bool { self.response?.caseInsensitiveEquals("Error") ?? false }
}

extension AMIMessage: CustomStringConvertible {
    public var description: String {
        self.fields.map(\.description).joined(separator: "\r\n") + "\r\n\r\n"
    }
}
