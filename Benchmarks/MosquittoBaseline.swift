import CMosquitto
import Synchronization

/// The machine's limit: a bare loop publishing through libmosquitto's C API (threaded network
/// loop, TCP_NODELAY, MQTT 5, as the bridge's client is set up) with no Swift layer around it.
final class MosquittoBaseline {
    private final class Flags: Sendable {
        let connected = Atomic<Bool>(false)
    }

    private let handle: OpaquePointer
    private let flags = Flags()

    init(host: String, port: Int, id: String) throws {
        mosquitto_lib_init()
        guard let handle = mosquitto_new("bench-baseline-\(id)", true, nil) else {
            throw BenchError.setup("mosquitto_new failed")
        }
        self.handle = handle
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self.flags).toOpaque())
        _ = mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V5))
        _ = mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1)
        mosquitto_connect_callback_set(handle) { _, userdata, rc in
            guard let userdata, rc == 0 else { return }
            Unmanaged<Flags>.fromOpaque(userdata).takeUnretainedValue().connected.store(true, ordering: .releasing)
        }
        guard mosquitto_connect_async(handle, host, Int32(port), 30) == 0, mosquitto_loop_start(handle) == 0 else {
            mosquitto_destroy(handle)
            throw BenchError.setup("baseline client could not connect to \(host):\(port)")
        }
    }

    func ready() async throws {
        try await waitUntil("the baseline publisher", timeout: 10, interval: .milliseconds(5)) {
            self.flags.connected.load(ordering: .acquiring)
        }
    }

    /// Publishes every message as fast as libmosquitto accepts it (its own queue is unbounded).
    func publish(_ messages: [(topic: String, payload: [UInt8])], qos: Int32, retain: Bool = false) {
        for message in messages {
            _ = message.payload.withUnsafeBytes { raw in
                mosquitto_publish(self.handle, nil, message.topic, Int32(raw.count), raw.baseAddress, qos, retain)
            }
        }
    }

    func stop() {
        _ = mosquitto_disconnect(self.handle)
        _ = mosquitto_loop_stop(self.handle, false)
        mosquitto_destroy(self.handle)
    }
}
