/// The simulated timeline: tasks ordered by (time, insertion), run by the core when their
/// simulated time comes. Ordering never depends on real time, so a seeded run is reproducible.
struct SimScheduler {
    struct Task {
        let time: Double
        let sequence: Int
        let id: Int
        let run: (SimulatorCore) -> Void
    }

    private var heap: [Task] = []
    private var nextSequence = 0
    private var cancelled: Set<Int> = []
    /// Ids still in the heap, so that cancelling a task that already ran leaves no trace.
    private var pending: Set<Int> = []

    var isEmpty: Bool { self.heap.isEmpty }
    var nextTime: Double? { self.heap.first?.time }

    /// Schedules `run` at `time`; returns an id for `cancel`.
    @discardableResult
    mutating func schedule(at time: Double, _ run: @escaping (SimulatorCore) -> Void) -> Int {
        self.nextSequence += 1
        let task = Task(time: time, sequence: self.nextSequence, id: self.nextSequence, run: run)
        self.heap.append(task)
        self.pending.insert(task.id)
        self.siftUp(self.heap.count - 1)
        return task.id
    }

    mutating func cancel(_ id: Int) {
        if self.pending.contains(id) {
            self.cancelled.insert(id)
        }
    }

    mutating func removeAll() {
        self.heap.removeAll()
        self.cancelled.removeAll()
        self.pending.removeAll()
    }

    /// The next task due at or before `time`, skipping cancelled ones.
    mutating func popDue(upTo time: Double) -> Task? {
        while let first = self.heap.first, first.time <= time {
            let task = self.removeFirst()
            self.pending.remove(task.id)
            if self.cancelled.remove(task.id) != nil { continue }
            return task
        }
        return nil
    }

    private static func less(_ a: Task, _ b: Task) -> Bool {
        a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
    }

    private mutating func removeFirst() -> Task {
        let first = self.heap[0]
        let last = self.heap.removeLast()
        if !self.heap.isEmpty {
            self.heap[0] = last
            self.siftDown(0)
        }
        return first
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.less(self.heap[child], self.heap[parent]) else { return }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < self.heap.count, Self.less(self.heap[left], self.heap[smallest]) { smallest = left }
            if right < self.heap.count, Self.less(self.heap[right], self.heap[smallest]) { smallest = right }
            if smallest == parent { return }
            self.heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
