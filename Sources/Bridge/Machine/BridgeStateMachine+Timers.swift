import Logging
import NIOCore

extension BridgeStateMachine {
    // MARK: Timers

    /// A timer the machine asked for (``BridgeAction/schedule(_:at:)``) fired: each kind
    /// checks that what it waited for is still pending, so a late or stale timer does nothing.
    mutating func timerFired(_ timer: BridgeTimer, at now: BridgeInstant) -> [BridgeAction] {
        var actions: [BridgeAction] = []
        switch timer {
        case .syncRetry(let generation):
            guard generation == self.ami.generation, self.ami.isConnected, self.sync == nil else { return [] }
            self.startSync(waiting: [], at: now, into: &actions)
        case .sweepWindow:
            self.harvestWindowTimerFired(at: now, into: &actions)
        case .originateTimeout(let token):
            self.originateTimedOut(token, at: now, into: &actions)
        case .parkGrace(let token):
            self.parkGraceEnded(token, at: now, into: &actions)
        case .commandsGrace:
            if self.lifecycle == .stopping(.commands) {
                self.stopAMI(into: &actions)
            }
        case .mqttDrain:
            self.drained(into: &actions)
        case .republishWait:
            if self.mqttUp, self.republishPending {
                actions.append(
                    .log(.info, "MQTT resent publications still unacknowledged; republishing state now", [:]))
                self.republish(at: now, into: &actions)
            }
        case .failoverWindow:
            return self.failoverWindowEnded(at: now)
        case .backPressureQuiet:
            // Only a quiet period that really lasted (a timer of an earlier clearing ends nothing).
            if let cleared = self.backPressure?.clearedAt, self.deferred.isEmpty,
                now.uptime - cleared >= Self.backPressureQuiet
            {
                self.endBackPressure(at: now, into: &actions)
            }
        case .wrapUpEnd(let agent, let queue):
            self.wrapUpSteps(
                self.wrapUps.expire(WrapUps.Key(agent: agent, queue: queue), at: now.uptime), into: &actions)
        }
        return actions
    }
}
