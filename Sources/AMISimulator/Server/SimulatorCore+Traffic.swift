import AMI
import NIOCore

/// The seeded traffic generator and the benchmark firehose.
extension SimulatorCore {
    func startTraffic(_ configuration: TrafficConfiguration) {
        self.stopTraffic()
        self.traffic = configuration
        self.trafficRandom = SeededRandom(seed: configuration.seed)
        self.trafficCalls = 0
        self.scheduleNextTrafficCall()
    }

    func stopTraffic() {
        self.cancel(self.trafficTimer)
        self.trafficTimer = nil
        self.traffic = nil
    }

    func scheduleNextTrafficCall() {
        guard let traffic = self.traffic, traffic.callsPerSecond > 0 else { return }
        if let max = traffic.maxCalls, self.trafficCalls >= max { return }
        let delay = self.trafficRandom.exponential(mean: 1 / traffic.callsPerSecond)
        self.trafficTimer = self.schedule(after: delay) { core in
            core.trafficTimer = nil
            core.placeTrafficCall()
            core.scheduleNextTrafficCall()
        }
    }

    func placeTrafficCall() {
        guard let traffic = self.traffic else { return }
        let candidates = self.queues.filter { traffic.queues?.contains($0.name) ?? true }
        guard !candidates.isEmpty else { return }
        self.trafficCalls += 1
        let queue = candidates[self.trafficRandom.index(candidates.count)]
        let number = "555" + String(1000 + self.trafficRandom.index(9000))
        let abandons = self.trafficRandom.unit() < traffic.abandonRate
        let patience = self.trafficRandom.uniform(traffic.patience)
        let talk = self.trafficRandom.uniform(traffic.talkTime)
        let callerEnds = self.trafficRandom.unit() < 0.3
        let ringRange = traffic.ringTime
        let plan = CallPlan(
            callerLifetime: abandons ? patience : nil,
            ringTime: { core in
                // Abandoning callers' agents ring past their patience.
                abandons ? Double(queue.configuration.timeout) + 1 : core.trafficRandom.uniform(ringRange)
            },
            talkTime: talk,
            talkEndedBy: callerEnds ? .caller : .agent
        )
        self.startQueueCall(queue: queue, callerNum: number, callerName: "Caller \(number)", plan: plan, originate: nil)
    }

    // MARK: Firehose

    /// Writes `count` events (cycling through `events`) to every logged-in session as fast as
    /// each socket takes them, waiting whenever a channel stops being writable. Mask and
    /// filters apply (decided once per prepared event and session).
    func firehose(_ events: [AMIMessage], count: Int, promise: EventLoopPromise<Int>) {
        let targets = self.sessions.values.filter { $0.isAuthenticated && !$0.closing }
        guard !events.isEmpty, count > 0, !targets.isEmpty else {
            promise.succeed(0)
            return
        }
        let prepared = events.map { SimEvent(raw: $0) }
        var remaining = targets.count
        var total = 0
        for session in targets {
            var buffers: [ByteBuffer?] = []
            for event in prepared {
                if session.accepts(event, text: { event.message.description }) {
                    var buffer = session.channel.allocator.buffer(capacity: 512)
                    try? AMIMessageEncoder.write(event.message, to: &buffer)
                    buffers.append(buffer)
                } else {
                    buffers.append(nil)
                }
            }
            self.pumpFirehose(session: session, buffers: buffers, next: 0, written: 0, count: count) { written in
                total += written
                remaining -= 1
                if remaining == 0 { promise.succeed(total) }
            }
        }
    }

    private func pumpFirehose(
        session: SimSession, buffers: [ByteBuffer?], next: Int, written: Int, count: Int, done: @escaping (Int) -> Void
    ) {
        var index = next
        var written = written
        let channel = session.channel
        while index < count {
            if session.closing || self.shutDown {
                done(written)
                return
            }
            if !channel.isWritable {
                channel.flush()
                let resume = index
                let sofar = written
                self.firehoseWaiters[session.id] = { [self] in
                    self.pumpFirehose(
                        session: session, buffers: buffers, next: resume, written: sofar, count: count, done: done)
                }
                return
            }
            if let buffer = buffers[index % buffers.count] {
                channel.write(buffer, promise: nil)
                written += 1
                if written % 64 == 0 { channel.flush() }
            }
            index += 1
        }
        channel.flush()
        done(written)
    }
}
