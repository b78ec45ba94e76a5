import AMI

/// An unsolicited event with the class that decides who receives it.
struct SimEvent {
    let message: AMIMessage
    let category: AMIPrivilege

    /// Builds `Event:` and `Privilege:` then the given fields.
    init(_ name: String, _ category: AMIPrivilege, _ fields: [AMIField]) {
        var all: [AMIField] = []
        all.reserveCapacity(fields.count + 2)
        all.append(AMIField("Event", name))
        all.append(AMIField("Privilege", category.privilegeHeader))
        all.append(contentsOf: fields)
        self.message = AMIMessage(fields: all)
        self.category = category
    }

    /// Wraps a raw message; the class comes from its `Privilege` header (none: every class,
    /// so that only a mask of `off` hides it).
    init(raw message: AMIMessage) {
        self.message = message
        var category: AMIPrivilege = []
        if let privilege = message["Privilege"] {
            for part in privilege.split(separator: ",") where part != "all" {
                if let match = AMIPrivilege.names.first(where: { $0.0 == part.lowercased() }) {
                    category.insert(match.1)
                }
            }
        }
        self.category = category
    }

    var name: String { self.message.eventName ?? "" }
}
