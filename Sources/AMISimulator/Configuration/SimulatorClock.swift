/// How simulated time advances.
///
/// Everything the simulator schedules (rings, talk time, abandons, Originate answers) lives on
/// a simulated timeline; the clock decides how that timeline maps to real time.
public enum SimulatorClock: Sendable, Hashable {
    /// Simulated seconds pass `1 / scale` times faster than real ones: `scale` 0.01 plays a
    /// 3 s call in 30 ms.
    case realTime(scale: Double)
    /// Time stands still until `AMISimulator.advance(by:)`: fully deterministic tests.
    case manual
}
