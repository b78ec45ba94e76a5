import Logging
import NIOCore
import PBXCore

/// Packets from Asterisk and the timers waiting for them: answers go to their waiters,
/// events to the delegate.
extension AMIClientCore {
    func messageReceived(_ message: AMIMessage) {
        switch self.pending.receive(message) {
        case .completed(let response, let waiter):
            waiter.timer?.cancel()
            self.machine.actionProgressReceived()
            switch waiter {
            case .caller(let promise, _):
                promise.succeed(response)
            case .machine(let kind, _):
                self.run(self.machine.internalResponse(kind, response))
            }
        case .collected:
            self.machine.actionProgressReceived()
        case .event:
            if let name = message.eventName, name.caseInsensitiveEquals("Shutdown") {
                self.logger.info(
                    "Asterisk is shutting down",
                    metadata: [
                        AMILogKey.shutdown: "\(message["Shutdown"] ?? "")",
                        AMILogKey.restart: "\(message["Restart"] ?? "")",
                    ]
                )
            }
            self.delegate?.amiEventReceived(message)
        case .unknownResponse(let actionID):
            self.logger.debug(
                "dropped an AMI response with an unknown ActionID",
                metadata: [AMILogKey.actionID: "\(actionID ?? "")"]
            )
        case .late(let actionID):
            self.logger.debug(
                "dropped a late answer to a timed-out AMI action",
                metadata: [AMILogKey.actionID: "\(actionID)"]
            )
        }
    }

    func actionTimedOut(_ actionID: String) {
        if case .machine(let kind, _)? = self.pending.waiter(for: actionID) {
            let action = self.machine.internalActionTimedOut(kind)
            if case .extendTimeout(let delay) = action {
                let timer = self.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                    self.actionTimedOut(actionID)
                }
                self.pending.replaceWaiter(actionID: actionID, with: .machine(kind, timer: timer))
                self.logger.debug(
                    "AMI keepalive waits behind earlier answers", metadata: [AMILogKey.actionID: "\(actionID)"])
                return
            }
            _ = self.pending.abandon(actionID: actionID)
            self.logger.debug("AMI internal action timed out", metadata: [AMILogKey.actionID: "\(actionID)"])
            self.run(action)
            return
        }
        guard let (action, waiter) = self.pending.abandon(actionID: actionID) else { return }
        switch waiter {
        case .caller(let promise, _):
            self.logger.debug(
                "AMI action timed out",
                metadata: [AMILogKey.actionID: "\(actionID)", AMILogKey.action: "\(action)"]
            )
            promise.fail(AMIClientError.timeout(action: action))
        case .machine:
            preconditionFailure("internal actions are handled above")
        }
    }
}
