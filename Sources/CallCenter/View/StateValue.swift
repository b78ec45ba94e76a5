/// The payload of one retained topic; each case's struct has the contract's JSON keys as
/// property names, so the bridge can encode it directly.
public enum StateValue: Sendable, Hashable {
    case extensionStatus(ExtensionStatusValue)
    case name(AgentNameValue)
    case queueMemberStatus(QueueMemberStatusValue)
    case phoneNumber(PhoneNumberValue)
    case queueCount(QueueCountValue)
    case queueStats(QueueStatsValue)
    case presence(ExtensionPresenceValue)
    case parking(ParkingValue)
}
