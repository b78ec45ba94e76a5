/// A retained `{p}/bridge/state` message as another bridge instance sees it: whether the
/// bridge that wrote it is online, and which instance that is (the `instance` field; the
/// Last Will of an instance carries its id as well).
public struct BridgeStateObservation: Sendable, Hashable {
    public var online: Bool
    /// The publishing instance's id; nil when the payload names none (a bridge without an
    /// active/standby pair, or a cleared topic).
    public var instance: String?

    public init(online: Bool, instance: String?) {
        self.online = online
        self.instance = instance
    }

    /// Reads a `bridge/state` payload. A zero-length payload (the topic cleared) counts as
    /// offline; anything that is not a JSON object with a `state` string is nil (ignored and
    /// logged by the shell: no decision is taken on a payload nobody understands).
    public static func parse(_ payload: [UInt8]) -> BridgeStateObservation? {
        if payload.isEmpty {
            return BridgeStateObservation(online: false, instance: nil)
        }
        guard case .object(let object)? = JSONValue.parse(payload), case .string(let state)? = object["state"],
            state == "online" || state == "offline"
        else { return nil }
        var instance: String?
        if case .string(let id)? = object["instance"], !id.isEmpty {
            instance = id
        }
        return BridgeStateObservation(online: state == "online", instance: instance)
    }
}
