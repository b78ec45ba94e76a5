import Foundation

/// Home Assistant's documented MQTT discovery schema, as far as pbx2mqtt's configs use it:
/// the configuration variables of the MQTT `sensor` and `binary_sensor` integrations, of the
/// `device`, `availability` and `origin` blocks (home-assistant.io/integrations/sensor.mqtt,
/// binary_sensor.mqtt, mqtt/#discovery-messages), and the abbreviations discovery accepts
/// instead of full names (home-assistant/core, components/mqtt/abbreviations.py). Used to
/// check every payload the bridge publishes; returns what is wrong, in words.
public enum HomeAssistantSchema {
    static let entityKeys: Set<String> = [
        "availability", "availability_mode", "availability_template", "availability_topic", "device",
        "device_class", "enabled_by_default", "encoding", "entity_category", "entity_picture", "expire_after",
        "force_update", "icon", "json_attributes_template", "json_attributes_topic", "name", "object_id",
        "default_entity_id", "payload_available", "payload_not_available", "platform", "qos", "state_topic",
        "unique_id", "value_template", "origin",
    ]
    static let sensorKeys = entityKeys.union([
        "last_reset_value_template", "options", "state_class", "suggested_display_precision", "unit_of_measurement",
    ])
    static let binarySensorKeys = entityKeys.union(["off_delay", "payload_off", "payload_on"])
    static let deviceKeys: Set<String> = [
        "configuration_url", "connections", "hw_version", "identifiers", "manufacturer", "model", "model_id", "name",
        "serial_number", "suggested_area", "sw_version", "via_device",
    ]
    static let availabilityKeys: Set<String> = [
        "topic", "payload_available", "payload_not_available", "value_template",
    ]
    static let originKeys: Set<String> = ["name", "sw_version", "support_url"]
    /// Abbreviations of the keys above (entity, device and availability blocks).
    static let abbreviations: Set<String> = [
        "avty", "avty_mode", "avty_t", "avty_tpl", "dev", "dev_cla", "e", "en", "ent_cat", "exp_aft", "frc_upd",
        "ic", "json_attr_t", "json_attr_tpl", "lrst_val_tpl", "obj_id", "off_dly", "ops", "pl_avail", "pl_not_avail",
        "pl_off", "pl_on", "stat_cla", "stat_t", "t", "uniq_id", "unit_of_meas", "val_tpl", "o", "cns", "cu", "ids",
        "mf", "mdl", "sw", "sa", "hw", "mdl_id", "sn", "via_dev", "sug_dsp_prc", "ent_pic", "def_ent_id",
    ]
    static let sensorDeviceClasses: Set<String> = ["duration", "enum"]
    static let stateClasses: Set<String> = ["measurement", "total", "total_increasing"]
    /// Home Assistant's node/object id characters, `[a-zA-Z0-9_-]`, at least one.
    static func isObjectID(_ id: String) -> Bool {
        !id.isEmpty
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "-")
            }
    }

    /// The problems of one discovery message; empty when it follows the schema.
    public static func problems(topic: String, payload: Data, discoveryPrefix: String) -> [String] {
        var problems: [String] = []
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let prefixLevels = discoveryPrefix.split(separator: "/").count
        // <discovery_prefix>/<component>/[<node_id>/]<object_id>/config
        guard topic.hasPrefix(discoveryPrefix + "/"), levels.last == "config",
            (prefixLevels + 3...prefixLevels + 4).contains(levels.count)
        else {
            return ["\(topic): not <discovery_prefix>/<component>/[<node_id>/]<object_id>/config"]
        }
        let component = levels[prefixLevels]
        for id in levels[(prefixLevels + 1)..<(levels.count - 1)] where !Self.isObjectID(id) {
            problems.append("\(topic): node/object id \(id) has characters outside [a-zA-Z0-9_-]")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any] else {
            return problems + ["\(topic): payload is not a JSON object"]
        }
        let allowed: Set<String>
        switch component {
        case "sensor": allowed = Self.sensorKeys
        case "binary_sensor": allowed = Self.binarySensorKeys
        default: return problems + ["\(topic): component \(component) is neither sensor nor binary_sensor"]
        }
        problems += Self.keyProblems(object, allowed: allowed, block: topic)
        if !(object["state_topic"] is String) { problems.append("\(topic): state_topic (required) missing") }
        if let id = object["unique_id"] as? String, levels[levels.count - 2] != id {
            problems.append("\(topic): object id is not the unique_id \(id) (the documented best practice)")
        }
        if object["unique_id"] == nil { problems.append("\(topic): no unique_id (the device registry needs one)") }
        if object["availability"] != nil, object["availability_topic"] != nil {
            problems.append("\(topic): availability and availability_topic together")
        }
        if let list = object["availability"] {
            guard let entries = list as? [[String: Any]], !entries.isEmpty else {
                return problems + ["\(topic): availability is not a list of objects"]
            }
            for entry in entries {
                problems += Self.keyProblems(entry, allowed: Self.availabilityKeys, block: "\(topic) availability")
                if !(entry["topic"] is String) { problems.append("\(topic): availability entry without topic") }
            }
        }
        if let device = object["device"] {
            guard let block = device as? [String: Any] else { return problems + ["\(topic): device is not an object"] }
            problems += Self.keyProblems(block, allowed: Self.deviceKeys, block: "\(topic) device")
            let identifiers = block["identifiers"] as? [String] ?? []
            if identifiers.isEmpty && block["connections"] == nil {
                problems.append("\(topic): device has neither identifiers nor connections")
            }
        } else {
            problems.append("\(topic): no device block")
        }
        if let origin = object["origin"] {
            guard let block = origin as? [String: Any] else { return problems + ["\(topic): origin is not an object"] }
            problems += Self.keyProblems(block, allowed: Self.originKeys, block: "\(topic) origin")
            if !(block["name"] is String) { problems.append("\(topic): origin without name") }
        }
        if let deviceClass = object["device_class"] as? String, component == "sensor",
            !Self.sensorDeviceClasses.contains(deviceClass)
        {
            problems.append("\(topic): sensor device_class \(deviceClass) not expected")
        }
        if deviceClass(object) == "enum", (object["options"] as? [String])?.isEmpty != false {
            problems.append("\(topic): enum sensor without options")
        }
        if let stateClass = object["state_class"] as? String, !Self.stateClasses.contains(stateClass) {
            problems.append("\(topic): state_class \(stateClass)")
        }
        if let qos = object["qos"], !((qos as? Int).map { (0...2).contains($0) } ?? false) {
            problems.append("\(topic): qos is not 0, 1 or 2")
        }
        return problems
    }

    private static func deviceClass(_ object: [String: Any]) -> String? { object["device_class"] as? String }

    /// Unknown keys, abbreviations, and full and abbreviated names mixed in one block.
    private static func keyProblems(_ object: [String: Any], allowed: Set<String>, block: String) -> [String] {
        var problems: [String] = []
        for key in object.keys.sorted() {
            if Self.abbreviations.contains(key) {
                problems.append("\(block): abbreviated key \(key) (full names only, never mixed)")
            } else if !allowed.contains(key) {
                problems.append("\(block): \(key) is not a documented configuration variable")
            }
        }
        return problems
    }
}
