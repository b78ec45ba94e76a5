/// One MQTT 5 user property. Names may repeat, so properties are kept as an ordered list.
public struct MQTTUserProperty: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
