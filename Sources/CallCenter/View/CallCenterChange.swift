/// One thing the bridge must publish: a retained value that changed, a retained topic to
/// clear, or an event.
public enum CallCenterChange: Sendable, Hashable {
    case set(StateKey, StateValue)
    case clear(StateKey)
    case event(CallCenterEvent)

    /// Applies retained changes to a view (events leave it alone), as a subscriber holding
    /// the retained topics would see them.
    public static func apply(_ changes: [CallCenterChange], to view: inout [StateKey: StateValue]) {
        for change in changes {
            switch change {
            case .set(let key, let value): view[key] = value
            case .clear(let key): view[key] = nil
            case .event: break
            }
        }
    }
}
