/// A parking space in a parking lot: the id of a parking topic.
struct ParkingSpot: Sendable, Hashable {
    var lot: String
    var space: String
}
