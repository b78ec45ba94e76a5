import CMosquitto
import Synchronization

extension MQTTClient {
    /// Ends a subscription now (if connected) and forgets it, so reconnects do not renew it.
    ///
    /// The bridge subscribes to its own state topics for a moment after it connects, to learn
    /// which retained topics an earlier run left on the broker; this ends that look.
    public func unsubscribe(_ filter: String) throws(MQTTError) {
        let stopped = self.storage.withLock { state -> Bool in
            if state.lifecycle == .stopped { return true }
            state.subscriptions.removeAll { $0.filter == filter }
            return false
        }
        if stopped { throw MQTTError.invalidState("unsubscribe() after stop()") }
        let rc = mosquitto_unsubscribe(self.handle, nil, filter)
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) && rc != Int32(MOSQ_ERR_NO_CONN.rawValue) {
            throw MQTTError.from(rc, operation: "unsubscribe from \(filter)")
        }
    }
}
