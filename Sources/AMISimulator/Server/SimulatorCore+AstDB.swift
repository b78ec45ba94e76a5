import AMI

/// The AstDB actions, answered as Asterisk 22 does (call-features/dnd-astdb.ami): DBPut,
/// DBGet (a one-item list), DBGetTree (a list of `/Family/Key` paths), DBDel and DBDelTree.
extension SimulatorCore {
    func dbPut(_ request: ActionRequest) {
        guard let family = request.required("Family", or: "No family specified") else { return }
        guard let key = request.required("Key", or: "No key specified") else { return }
        self.astDB[family, default: [:]][key] = request["Val"] ?? ""
        request.respond(AMIEventFactory.success("Updated database successfully", actionID: request.actionID))
    }

    func dbGet(_ request: ActionRequest) {
        guard let family = request.required("Family", or: "No family specified.") else { return }
        guard let key = request.required("Key", or: "No key specified.") else { return }
        guard let value = self.astDB[family]?[key] else {
            request.respond(AMIEventFactory.error("Database entry not found", actionID: request.actionID))
            return
        }
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Result will follow", actionID: id))
        request.respond(
            AMIEventFactory.listItem(
                "DBGetResponse", actionID: id, actionIDFirst: false,
                [AMIField("Family", family), AMIField("Key", key), AMIField("Val", value)]))
        request.respond(AMIEventFactory.listComplete("DBGetComplete", actionID: id, items: 1))
    }

    func dbGetTree(_ request: ActionRequest) {
        guard let family = request.required("Family", or: "No family specified.") else { return }
        let key = request.nonEmpty("Key")
        let id = request.actionID
        request.respond(AMIEventFactory.listStart("Result will follow", actionID: id))
        var items = 0
        for (entry, value) in (self.astDB[family] ?? [:]).sorted(by: { $0.key < $1.key })
        where key == nil || entry == key || entry.hasPrefix((key ?? "") + "/") {
            request.respond(
                AMIEventFactory.listItem(
                    "DBGetTreeResponse", actionID: id, actionIDFirst: false,
                    [AMIField("Key", "/\(family)/\(entry)"), AMIField("Val", value)]))
            items += 1
        }
        request.respond(AMIEventFactory.listComplete("DBGetTreeComplete", actionID: id, items: items))
    }

    func dbDel(_ request: ActionRequest) {
        guard let family = request.required("Family", or: "No family specified.") else { return }
        guard let key = request.required("Key", or: "No key specified.") else { return }
        guard self.astDB[family]?.removeValue(forKey: key) != nil else {
            request.respond(AMIEventFactory.error("Database entry could not be deleted", actionID: request.actionID))
            return
        }
        if self.astDB[family]?.isEmpty == true { self.astDB[family] = nil }
        request.respond(AMIEventFactory.success("Key deleted successfully", actionID: request.actionID))
    }

    func dbDelTree(_ request: ActionRequest) {
        guard let family = request.required("Family", or: "No family specified.") else { return }
        let key = request.nonEmpty("Key")
        let before = self.astDB[family]?.count ?? 0
        if let key {
            self.astDB[family] = self.astDB[family]?.filter { $0.key != key && !$0.key.hasPrefix(key + "/") }
        } else {
            self.astDB[family] = nil
        }
        if self.astDB[family]?.isEmpty == true { self.astDB[family] = nil }
        guard before > (self.astDB[family]?.count ?? 0) else {
            request.respond(AMIEventFactory.error("Database entry not found", actionID: request.actionID))
            return
        }
        request.respond(AMIEventFactory.success("Key tree deleted successfully", actionID: request.actionID))
    }
}
