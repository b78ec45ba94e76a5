/// What AstDB says about one extension in the FreePBX convention: `DND/<e>` = `YES` and the
/// call-forward families. Kept apart from the hint because AstDB entries may exist for
/// extensions without a hint (they are then not published).
struct ExtensionFeatures: Sendable, Hashable {
    var dnd = false
    var callForward = CallForward()

    var isEmpty: Bool { !self.dnd && self.callForward.isEmpty }
}
