/// Reads a value at a key path of a decoded JSON object (`"error", "code"`), for assertions.
func value(_ json: [String: Any]?, _ path: String...) -> Any? {
    var current: Any? = json
    for key in path {
        current = (current as? [String: Any])?[key]
    }
    return current
}

/// The string at a key path, nil when absent or of another type.
func string(_ json: [String: Any]?, _ path: String...) -> String? {
    var current: Any? = json
    for key in path {
        current = (current as? [String: Any])?[key]
    }
    return current as? String
}
