import Testing

/// The fault tests, one at a time: each runs a broker, a simulator under traffic and one or
/// two bridges, and run together they starve the two cores that the rest of the suite (with
/// its own one-second windows) shares.
@Suite(.serialized) enum FaultSuite {}
