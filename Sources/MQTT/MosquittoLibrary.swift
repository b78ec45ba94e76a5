import CMosquitto

/// Process-wide libmosquitto initialisation, done once before the first client exists.
enum MosquittoLibrary {
    /// Swift runs a static `let` initializer exactly once, thread-safely (swift_once).
    private static let initResult: Int32 = mosquitto_lib_init()

    /// Initialises libmosquitto (only the first call does work).
    static func ensureInitialised() throws(MQTTError) {
        let rc = self.initResult
        if rc != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MQTTError.from(rc, operation: "mosquitto_lib_init")
        }
    }
}
