/// What the client reports to its owner, on libmosquitto's network thread.
public enum MQTTClientEvent: Sendable, Hashable {
    /// The broker accepted the connection. Fired on every (re)connect: republish state here.
    /// Subscriptions are renewed by the client itself before this event is delivered.
    case connected(sessionPresent: Bool)
    /// The broker refused the connection (bad credentials, not authorized, ...). The client keeps
    /// retrying with backoff; `code` is the CONNACK return code (3.1.1) or reason code (5).
    case connectionRefused(code: Int, reason: String)
    /// TLS with the broker failed (untrusted or misnamed broker certificate, client
    /// certificate refused): `reason` says which, with OpenSSL's words. Not a refusal: the
    /// broker never saw a CONNECT. The client retries with the refusal backoff.
    case tlsFailed(reason: String)
    /// The connection ended (broker gone, network error, or `stop()`); the client reconnects
    /// unless it was stopped.
    case disconnected(reason: String)
    /// MQTT 5 only: the broker took the connection and closed it without answering the
    /// CONNECT, as a broker that only speaks MQTT 3.1.1 does (RabbitMQ 3.x). The client retries.
    case closedBeforeConnack(reason: String)
    /// A message arrived on a subscribed topic.
    case message(MQTTMessage)
    /// The broker acknowledged a QoS 1/2 publication (or a QoS 0 one was written out).
    case published(mid: Int32)
    /// The broker acknowledged a subscription (SUBACK) sent with message id `mid`: the one
    /// `subscribe` returned, or, after a reconnect, one of the client's own renewals (ids the
    /// owner never saw, to be ignored). Mosquitto replays a subscription's retained messages
    /// right after its SUBACK, so an owner that wants the whole replay starts listening for its
    /// end here, not when it sent the SUBSCRIBE. The event may be emitted before `subscribe`
    /// has returned the id (this thread can win that race): an owner that hops onto its own
    /// executor, where it also calls `subscribe`, sees them in order.
    case subscribed(mid: Int32)
    /// At most the count asked for with `notifyWhenQueued(atMost:)` publications wait for
    /// the broker now (`queued` of them). Once per request: an owner that pushes against a
    /// full queue learns when there is room again without polling.
    case queueBelow(queued: Int)
}
