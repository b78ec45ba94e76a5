import AMI
import AMISimulator

/// One Asterisk and its bridge, as the capacity scenario runs them: a simulator with a
/// generated call center and a bridge into the shared broker under a prefix of its own
/// (`cap<run>-<site>`), as a site of a multi-site installation would.
struct CapacitySite: Sendable {
    let index: Int
    let prefix: String
    let agents: Int
    let queues: Int
    let simulator: AMISimulator
    let rig: BridgeRig

    /// Starts the simulator and the bridge; returns once the bridge has synced and the broker
    /// acknowledged the sync (the subscriber still has to receive it: ``CapacityProbe``).
    static func start(index: Int, run: Int, agents: Int, queues: Int, brokerPort: Int) async throws -> CapacitySite {
        let simulator = try await AMISimulator.start(
            configuration: SimulatorConfiguration(callCenter: .generated(agents: agents, queues: queues)),
            logger: BenchLog.quiet)
        let prefix = "cap\(run)-\(index)"
        let rig = try BridgeRig(amiPort: simulator.port, brokerPort: brokerPort, prefix: prefix)
        try await rig.start()
        try await rig.ready(timeout: 120)
        return CapacitySite(
            index: index, prefix: prefix, agents: agents, queues: queues, simulator: simulator, rig: rig)
    }

    func stop() async {
        await self.rig.stop()
        try? await self.simulator.shutdown()
    }

    /// The site index out of one of its topics (`cap7-3/agent/…` → 3).
    static func siteIndex(topic: String) -> Int? {
        guard let slash = topic.firstIndex(of: "/"), let dash = topic[..<slash].lastIndex(of: "-") else { return nil }
        return Int(topic[topic.index(after: dash)..<slash])
    }
}
