import AMI
import Logging
import MQTT
import NIOCore

/// What the bridge's state machine asks its shell to do. The shell runs each in order and
/// reports what comes of it as further inputs.
public enum BridgeAction: Sendable, Equatable {
    // MARK: AMI

    /// Start the current AMI client (it connects, logs in and reconnects by itself).
    case startAMI
    /// Send `action`; the answer comes back as `amiResponse(request, …)`.
    case sendAMI(AMIAction, AMIRequest, timeout: TimeAmount?)
    /// Start the AMI client a reload brought and shut the previous one down (it logs off).
    case replaceAMI
    /// Log off and close the AMI connection; completion comes back as `amiShutDown`.
    case shutdownAMI

    // MARK: MQTT

    /// Start the current client (a reload's new one, once the previous one stopped).
    case startMQTT
    /// Publish on the current client. When the client refuses one for a full queue the shell
    /// reports it (`publicationFailed`) and hands the rest of the batch's state publications
    /// to the machine the same way: the queue is full for them too.
    case publish(MQTTMessage, PublishKind)
    /// Publish retained state of the model within the state window: the client refuses it
    /// (reported as `publicationFailed`, `.queueFull`) once `stateWindow` publications wait, and
    /// the rest of the batch's windowed state goes to the machine the same way.
    case publishState(MQTTMessage)
    /// Subscribe the current client (remembered and renewed on every reconnect); the options
    /// are MQTT 5's (see `MQTTClient.subscribe`).
    case subscribe(String, MQTTQoS, retainAsPublished: Bool, noLocal: Bool)
    case unsubscribe(String)
    /// Ask the current client to report `mqttQueueBelow` once at most `count` publications
    /// wait for the broker (libmosquitto's acknowledgements drive it).
    case notifyWhenQueued(atMost: Int)
    /// Stop the current client off the event loop; completion comes back as `mqttStopped`.
    case stopMQTT

    // MARK: Timers

    case schedule(BridgeTimer, at: NIODeadline)
    case cancel(BridgeTimer)

    // MARK: Reporting

    case log(Logger.Level, String, Logger.Metadata)
    case record(BridgeMetric)
    /// A reload is applied (the `reconfigure` future completes).
    case reloaded
    /// Shutdown is complete (the `shutdown` future completes).
    case stopped
}
