/// A static queue member (`member =>` in queues.conf).
public struct MemberConfiguration: Sendable, Hashable {
    public var name: String
    public var interface: String
    public var stateInterface: String
    public var penalty: Int

    public init(name: String, interface: String, stateInterface: String, penalty: Int = 0) {
        self.name = name
        self.interface = interface
        self.stateInterface = stateInterface
        self.penalty = penalty
    }

    /// The fixtures' agent naming: interface `Local/{n}@agents/n`, state `Custom:{n}`.
    public static func agent(_ extensionNumber: String, name: String, penalty: Int = 0) -> MemberConfiguration {
        MemberConfiguration(
            name: name,
            interface: "Local/\(extensionNumber)@agents/n",
            stateInterface: "Custom:\(extensionNumber)",
            penalty: penalty
        )
    }
}
