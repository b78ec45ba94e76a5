import AMI
import CallCenter
import NIOCore

/// A state-list fetch under way: the snapshot built from the lists answered so far, the events
/// that arrived meanwhile (replayed onto the snapshot), and the `bridge/resync` commands
/// waiting for it.
struct SyncRun: Sendable {
    let generation: Int
    let started: BridgeInstant
    /// Lists that answered before an earlier one did, waiting for their turn; a list folded
    /// into `snapshot` is dropped at once (its parsed packets outweigh the model).
    var pending: [[AMIMessage]?]
    /// How many lists, from the first, are in `snapshot`.
    var folded = 0
    var snapshot: CallCenterState.SnapshotBuilder
    /// The events that arrived meanwhile, each with whether the queue statistics list (which
    /// had not answered yet when it came) already counts it.
    var buffered: [(event: AMIMessage, time: CallCenterTime, statistics: QueueStatisticsCounting)] = []
    var waiting: [CommandToken]

    init(
        generation: Int, lists: Int, configuration: CallCenterConfiguration, waiting: [CommandToken],
        at started: BridgeInstant
    ) {
        self.generation = generation
        self.started = started
        self.pending = Array(repeating: nil, count: lists)
        self.snapshot = CallCenterState.SnapshotBuilder(configuration: configuration)
        self.waiting = waiting
    }

    /// Whether list `index` has answered (folded or waiting for its turn).
    func hasAnswered(list index: Int) -> Bool { self.pending.indices.contains(index) && self.pending[index] != nil }

    /// Keeps an event that arrived at `time`, to apply once the snapshot is complete.
    ///
    /// Asterisk writes a session's events and answers in the order they happened, so an event
    /// that comes before the `statisticsList`'s answer is already counted in that list.
    mutating func buffer(_ event: AMIMessage, at time: CallCenterTime, statisticsList: Int) {
        let statistics: QueueStatisticsCounting = self.hasAnswered(list: statisticsList) ? .count : .alreadyCounted
        self.buffered.append((event, time, statistics))
    }

    /// True once every list is in `snapshot`.
    var isComplete: Bool { self.folded == self.pending.count }

    /// Takes the items of list `index`, received at `time`, and folds in every list whose
    /// predecessors are all in (Asterisk answers in order, so normally just this one).
    mutating func received(_ items: [AMIMessage], list index: Int, at time: CallCenterTime) {
        self.pending[index] = items
        while self.folded < self.pending.count, let list = self.pending[self.folded] {
            self.pending[self.folded] = []
            self.snapshot.add(list, at: time)
            self.folded += 1
        }
    }
}
