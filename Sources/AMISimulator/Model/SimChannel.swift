/// A channel's snapshot, as every channel event and the Status/CoreShowChannels items show it.
final class SimChannel {
    let name: String
    var state: ChannelState
    var callerIDNum = "<unknown>"
    var callerIDName = "<unknown>"
    var connectedLineNum = "<unknown>"
    var connectedLineName = "<unknown>"
    var context: String
    var exten: String
    var priority = 1
    let uniqueID: String
    let linkedID: String
    var application = ""
    var applicationData = ""
    var bridgeID = ""
    /// Simulated time of creation (CoreShowChannels `Duration`, Status `Seconds`).
    let createdAt: Double
    /// The call this channel belongs to, to end it as a whole.
    weak var call: SimCall?

    init(
        name: String, state: ChannelState, context: String, exten: String, uniqueID: String, linkedID: String,
        createdAt: Double
    ) {
        self.name = name
        self.state = state
        self.context = context
        self.exten = exten
        self.uniqueID = uniqueID
        self.linkedID = linkedID
        self.createdAt = createdAt
    }

    enum ChannelState: Int {
        case down = 0
        case ring = 4
        case ringing = 5
        case up = 6

        var text: String {
            switch self {
            case .down: "Down"
            case .ring: "Ring"
            case .ringing: "Ringing"
            case .up: "Up"
            }
        }
    }
}

@available(*, unavailable)
extension SimChannel: Sendable {}
