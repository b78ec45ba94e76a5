import AMI
import CallCenter
import NIOCore

/// A state-list fetch under way: the lists answered so far, the events that arrived
/// meanwhile (replayed onto the snapshot), and the `bridge/resync` commands waiting for it.
struct SyncRun: Sendable {
    let generation: Int
    let started: BridgeInstant
    var lists: [[AMIMessage]?]
    var buffered: [(event: AMIMessage, time: CallCenterTime)] = []
    var waiting: [CommandToken]

    init(generation: Int, lists: Int, waiting: [CommandToken], at started: BridgeInstant) {
        self.generation = generation
        self.started = started
        self.lists = Array(repeating: nil, count: lists)
        self.waiting = waiting
    }

    /// Every list's items, once all have answered.
    var items: [AMIMessage]? {
        var all: [AMIMessage] = []
        for list in self.lists {
            guard let list else { return nil }
            all += list
        }
        return all
    }
}
