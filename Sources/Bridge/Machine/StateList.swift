import AMI

/// One list action of the state sync.
struct StateList: Sendable, Hashable {
    var action: AMIAction
    /// Whether an error answer counts as an empty list instead of failing the whole sync.
    ///
    /// The AstDB trees are optional: a PBX without FreePBX's families, or a manager user
    /// without the `reporting` class, must still get queues and agents published; presence
    /// then simply shows no DND or forwards.
    var optional: Bool
}
