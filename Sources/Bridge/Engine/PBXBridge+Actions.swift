import AMI
import CMalloc
import CallCenter
import Logging
import MQTT
import NIOCore

extension PBXBridge {
    /// Hands the memory a sync freed back to the system: once the batch that published it is
    /// gone (the next turn of the loop), and again when libmosquitto has long sent and freed
    /// its copies of the payloads. A sync of thousands of topics holds the old and the new
    /// model and every payload at once, and glibc's malloc keeps such a peak resident for good
    /// unless asked: at 5,000 agents trimming takes the daemon's anonymous memory from 22 MB
    /// to 13 MB.
    func releaseFreedMemorySoon() {
        self.eventLoop.execute {
            _ = pbx_release_free_memory()
        }
        self.eventLoop.scheduleTask(in: Self.trimAfterSync) {
            _ = pbx_release_free_memory()
        }
    }

    /// Time enough for libmosquitto to send a 5,000-agent sync (17,000 messages) many times.
    static let trimAfterSync = TimeAmount.seconds(3)

    /// Carries out the machine's actions in order. What comes of them (answers, completions,
    /// timers, refusals) goes back to the machine as inputs.
    func run(_ actions: [BridgeAction], _ shell: BridgeShell) {
        // Once the client refused one state publication for a full queue (or window), the
        // batch's later ones would be refused too: they go to the machine's queue the same way.
        var queueFull = false
        var windowFull = false
        // A refused flood or sync burst reports thousands of refusals in one batch: one reading
        // of the clocks serves them all.
        var batchTime: BridgeInstant?
        func refusalTime() -> BridgeInstant {
            if let batchTime { return batchTime }
            let now = self.now()
            batchTime = now
            return now
        }
        for action in actions {
            switch action {
            case .publish(let message, let kind):
                if queueFull, kind == .state {
                    let refusal = MQTTError.queueFull(limit: shell.mqtt.configuration.maxQueuedMessages)
                    self.run(shell.machine.publicationFailed(message, kind, error: refusal, at: refusalTime()), shell)
                    continue
                }
                do {
                    try shell.mqtt.publish(message)
                    shell.metrics.published(kind)
                } catch {
                    if case .queueFull = error, kind == .state {
                        queueFull = true
                        windowFull = true
                    }
                    self.run(shell.machine.publicationFailed(message, kind, error: error, at: refusalTime()), shell)
                }
            case .publishState(let message):
                let window = shell.machine.stateWindow
                if windowFull {
                    let refusal = MQTTError.queueFull(limit: window)
                    self.run(shell.machine.publicationFailed(message, .state, error: refusal, at: refusalTime()), shell)
                    continue
                }
                do {
                    try shell.mqtt.publish(message, queueLimit: window)
                    shell.metrics.published(.state)
                } catch {
                    if case .queueFull = error { windowFull = true }
                    self.run(shell.machine.publicationFailed(message, .state, error: error, at: refusalTime()), shell)
                }

            case .startAMI:
                shell.ami.start(delegate: AMIDelegate(bridge: self, client: shell.ami))
            case .sendAMI(let amiAction, let request, let timeout):
                shell.ami.send(amiAction, timeout: timeout).whenComplete { result in
                    let answer = result.mapError { error in
                        error as? AMIClientError ?? AMIClientError.connectFailed("\(error)")
                    }
                    self.feed { $0.amiResponse(request, answer, at: $1) }
                }
            case .replaceAMI:
                guard let next = shell.nextAMI else { continue }
                let previous = shell.ami
                shell.ami = next
                shell.nextAMI = nil
                next.start(delegate: AMIDelegate(bridge: self, client: next))
                shell.retiringAMI = previous.shutdown()
            case .shutdownAMI:
                shell.ami.shutdown().whenComplete { _ in
                    self.feed { $0.amiShutDown(at: $1) }
                }

            case .startMQTT:
                self.startMQTT(shell.mqtt)
            case .subscribe(let filter, let qos, let retainAsPublished, let noLocal):
                var mid: Int32?
                do {
                    mid = try shell.mqtt.subscribe(
                        filter, qos: qos, retainAsPublished: retainAsPublished, noLocal: noLocal)
                } catch {
                    self.logger.error(
                        "MQTT subscribe failed",
                        metadata: [BridgeLogKey.mqttFilter: "\(filter)", BridgeLogKey.error: "\(error)"])
                }
                // Now, in this turn of the loop: the SUBACK, however fast, comes through
                // `eventLoop.execute` after it, so the machine knows the id it acknowledges.
                self.run(shell.machine.mqttSubscribeSent(filter, mid: mid, at: self.now()), shell)
            case .unsubscribe(let filter):
                try? shell.mqtt.unsubscribe(filter)
            case .notifyWhenQueued(let count):
                shell.mqtt.notifyWhenQueued(atMost: count)
            case .stopMQTT:
                // Joining libmosquitto's thread blocks: it happens off the loop, and the end
                // comes back as an input, with a reload's new client already in place.
                shell.mqtt.stop { [weak self] in
                    guard let self else { return }
                    self.eventLoop.execute {
                        let shell = self.shell.value
                        if let next = shell.nextMQTT {
                            shell.mqtt = next
                            shell.nextMQTT = nil
                        }
                        self.feed { $0.mqttStopped(at: $1) }
                    }
                }

            case .schedule(let timer, let deadline):
                shell.timers.removeValue(forKey: timer)?.cancel()
                shell.timers[timer] = self.eventLoop.scheduleTask(deadline: deadline) {
                    self.shell.value.timers[timer] = nil
                    self.feed { $0.timerFired(timer, at: $1) }
                }
            case .cancel(let timer):
                shell.timers.removeValue(forKey: timer)?.cancel()

            case .log(let level, let message, let metadata):
                self.logger.log(level: level, "\(message)", metadata: metadata)
            case .record(let metric):
                shell.metrics.record(metric)
                if case .synced = metric { self.releaseFreedMemorySoon() }
            case .reloaded:
                let promises = shell.reloads
                shell.reloads = []
                let done = shell.retiringAMI ?? self.eventLoop.makeSucceededVoidFuture()
                shell.retiringAMI = nil
                done.whenComplete { _ in
                    for promise in promises { promise.succeed() }
                }
            case .stopped:
                let promises = shell.shutdowns
                shell.shutdowns = []
                for timer in shell.timers.values { timer.cancel() }
                shell.timers = [:]
                for promise in promises { promise.succeed() }
            }
        }
    }

    /// Starts `client`, forwarding its events onto the loop. Events of a client that is no
    /// longer the current one (replaced by a reload) are stale and dropped there.
    private func startMQTT(_ client: MQTTClient) {
        let id = ObjectIdentifier(client)
        do {
            try client.start { [weak self] event in
                // Publish acknowledgements (one per message) carry nothing the bridge uses:
                // dropping them here saves a hop onto the event loop per published message.
                if case .published = event { return }
                guard let self else { return }
                self.eventLoop.execute {
                    guard ObjectIdentifier(self.shell.value.mqtt) == id else { return }
                    self.received(mqttEvent: event)
                }
            }
        } catch {
            self.logger.error("MQTT client could not start", metadata: [BridgeLogKey.error: "\(error)"])
        }
    }
}

/// Forwards the AMI client's callbacks (already on the bridge's loop) without a retain cycle,
/// and only while its client is the bridge's current one (a reload may replace it).
struct AMIDelegate: AMIClientDelegate {
    weak var bridge: PBXBridge?
    weak var client: AMIClient?

    func amiConnectionStateChanged(_ state: AMIConnectionState) {
        guard let bridge = self.bridge, let client = self.client, client === bridge.shell.value.ami else { return }
        bridge.feed { $0.amiStateChanged(state, at: $1) }
    }

    func amiEventReceived(_ event: AMIMessage) {
        guard let bridge = self.bridge, let client = self.client, client === bridge.shell.value.ami else { return }
        bridge.received(amiEvent: event)
    }
}
