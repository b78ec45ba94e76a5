import ArgumentParser
import PBX2MQTTApp

/// The process entry point. The daemon's code lives in the PBX2MQTTApp library so that other
/// targets can link it (the configuration fuzzer in Fuzz/ drives the same loading path).
@main
enum Entry {
    static func main() async {
        await Pbx2MQTT.main()
    }
}
