/// The payload of one retained topic; each case's struct has the contract's JSON keys as
/// property names, so the bridge can encode it directly.
///
/// The large payloads are `indirect` (boxed): the view holds one value per topic (17,000 at
/// 5,000 agents) in a hash table with free slots, and an enum is as wide as its widest case,
/// so boxing the three ~100-byte cases shrinks every slot to a few words; a sync, which holds
/// the old and the new view at once, is the daemon's peak memory.
public enum StateValue: Sendable, Hashable {
    case extensionStatus(ExtensionStatusValue)
    case name(AgentNameValue)
    indirect case queueMemberStatus(QueueMemberStatusValue)
    indirect case phoneNumber(PhoneNumberValue)
    case queueCount(QueueCountValue)
    indirect case queueStats(QueueStatsValue)
    indirect case presence(ExtensionPresenceValue)
    indirect case parking(ParkingValue)
    indirect case call(CallValue)
    indirect case conversations(ConversationsValue)
}
