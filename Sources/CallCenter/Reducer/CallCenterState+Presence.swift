import AMI

/// Folding extension presence into the model: the hint state of every extension (agent or
/// not) and FreePBX's do-not-disturb and call-forward entries in AstDB.
extension CallCenterState {
    /// The AstDB families read at sync (one `DBGetTree` each), in FreePBX's spelling.
    public static let astDBFamilies = ["DND", "CF", "CFB", "CFU"]

    /// An ExtensionStatus for the extension's presence, after its agent side. Missing fields
    /// and unknown codes are counted by the agent side of the same event, not twice here; an
    /// unknown code counts as `offline` (the agent side publishes `unknown`), so that the
    /// event stream and a snapshot agree.
    /// A set agent scope (`trackedAgents`) limits the extensions published too.
    mutating func extensionPresence(_ message: AMIMessage, at time: CallCenterTime) {
        guard let exten = message["Exten"], !exten.isEmpty, let raw = message["Status"], !raw.isEmpty,
            self.configuration.tracks(agent: exten)
        else { return }
        let hint: PresenceStatus
        switch Int(raw) {
        case -2, -1:
            if self.extensions.removeValue(forKey: exten) != nil {
                self.touch(.extensionPresence(extension: exten))
                self.touch(.extensionConversations(extension: exten))
            }
            return
        case .none: hint = .offline
        case 0: hint = .online
        case 1, 2: hint = .busy
        case 4: hint = .offline
        case 8: hint = .ringing
        case 9: hint = .busyRinging
        case 16, 17: hint = .onHold
        default: hint = .offline
        }
        if var record = self.extensions[exten] {
            record.hintStatus = hint
            self.extensions[exten] = record
        } else {
            self.extensions[exten] = ExtensionRecord(hintStatus: hint, publishedStatus: hint, since: time)
            // A new extension's conversations topic starts (an empty list when idle).
            self.touch(.extensionConversations(extension: exten))
        }
        self.refreshPresence(exten, at: time)
    }

    /// `DeviceStateChange` of the configured do-not-disturb device (`Custom:DND147`, which
    /// FreePBX's DND feature code sets): BUSY-like states mean on, NOT_INUSE-like ones off.
    /// Device states come as text only, so this is the one place that reads state words.
    mutating func deviceStateChange(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.deviceStateChange.rawValue
        guard let device = self.required(message, "Device", event: event),
            let template = self.configuration.dndDeviceTemplate,
            let exten = CallCenterConfiguration.extensionMatching(device, template: template)
        else { return }
        guard let state = self.required(message, "State", event: event) else { return }
        let on: Bool
        switch state {
        case "BUSY", "INUSE", "ONHOLD", "RINGING", "RINGINUSE": on = true
        case "NOT_INUSE", "UNKNOWN", "UNAVAILABLE", "INVALID": on = false
        default:
            self.noteUnknownCode(event, "State", state)
            return
        }
        self.setAstDB(family: "DND", key: exten, value: on ? "YES" : "", at: time)
    }

    /// The configured `UserEvent` announcing an AstDB write (`Family`, `Key`, `Val`; no or
    /// an empty `Val` for a deletion), for what a device state cannot say: forward targets.
    mutating func userEvent(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.userEvent.rawValue
        guard let name = self.required(message, "UserEvent", event: event), name == self.configuration.astDBUserEvent
        else { return }
        guard let family = self.required(message, "Family", event: event),
            let key = self.required(message, "Key", event: event)
        else { return }
        self.setAstDB(family: family, key: key, value: message["Val"] ?? "", at: time)
    }

    /// One `DBGetTreeResponse` item (`Key: /DND/147`, `Val: YES`) of the sync's AstDB lists.
    /// Deeper keys (`/CF/147/x`) belong to other modules and are left alone.
    mutating func astDBTreeItem(_ message: AMIMessage, at time: CallCenterTime) {
        let event = ModelEvent.dbGetTreeResponse.rawValue
        guard let path = self.required(message, "Key", event: event) else { return }
        let parts = path.split(separator: "/")
        guard parts.count == 2 else {
            if parts.count < 2 { self.noteMalformed(event, "Key") }
            return
        }
        self.setAstDB(family: String(parts[0]), key: String(parts[1]), value: message["Val"] ?? "", at: time)
    }

    /// Records one AstDB entry of a family the model reads; an empty value deletes it.
    mutating func setAstDB(family: String, key: String, value: String, at time: CallCenterTime) {
        guard !key.isEmpty else { return }
        var features = self.features[key] ?? ExtensionFeatures()
        let target = value.isEmpty ? nil : value
        switch family {
        case "DND": features.dnd = value == "YES"
        case "CF": features.callForward.unconditional = target
        case "CFB": features.callForward.busy = target
        case "CFU": features.callForward.unavailable = target
        default: return
        }
        self.features[key] = features.isEmpty ? nil : features
        self.refreshPresence(key, at: time)
    }

    /// Recombines hint and DND into the published status (moving `since` only when that
    /// changes) and marks the topic for publishing; extensions without a hint stay unpublished.
    mutating func refreshPresence(_ exten: String, at time: CallCenterTime) {
        guard var record = self.extensions[exten] else { return }
        let dnd = self.features[exten]?.dnd ?? false
        let status: PresenceStatus = dnd && record.hintStatus != .offline ? .dnd : record.hintStatus
        if status != record.publishedStatus {
            record.publishedStatus = status
            record.since = time
            self.extensions[exten] = record
        }
        self.touch(.extensionPresence(extension: exten))
    }

    /// The published presence of `exten`, nil while no hint names it.
    func presence(of exten: String) -> ExtensionPresenceValue? {
        guard let record = self.extensions[exten] else { return nil }
        let features = self.features[exten] ?? ExtensionFeatures()
        return ExtensionPresenceValue(
            extension: exten, status: record.publishedStatus, dnd: features.dnd,
            callForward: features.callForward, since: record.since
        )
    }
}
