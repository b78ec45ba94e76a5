import AMI
import AMISimulator
import Foundation
import Logging
import NIOCore
import NIOPosix

/// The outside world calling in: a second AMI connection to the simulator that originates a
/// call into a queue's incoming extension, as a phone would (the bridge sees only the events).
enum SimulatedCaller {
    /// Places a caller into the queue behind `exten` (fixture dialplan: 100 → q1, 200 → q2),
    /// talking `talkSeconds` once answered. Returns the connection; shut it down at the end.
    static func place(
        on simulator: AMISimulator, user: SimulatorUser, extension exten: String = "100", talkSeconds: Int = 60,
        number: String = "5550100"
    ) async throws -> AMIClient {
        var logger = Logger(label: "test-caller")
        logger.logLevel = .critical
        let caller = AMIClient(
            configuration: AMIConfiguration(
                host: simulator.host, port: simulator.port, username: user.username, secret: user.secret,
                eventMask: "off", keepaliveInterval: .seconds(60)
            ),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        caller.start(delegate: SilentDelegate())
        let originate = AMIAction(
            "Originate",
            [
                AMIField("Channel", "Local/\(exten)@incoming"), AMIField("Application", "Wait"),
                AMIField("Data", "\(talkSeconds + 30)"),
                AMIField("Variable", "RINGTIME=0,TALKTIME=\(talkSeconds)"), AMIField("CallerID", "Caller <\(number)>"),
                AMIField("Async", "true"),
            ])
        let deadline = Date().addingTimeInterval(5)
        while true {
            do {
                _ = try await caller.send(originate).checked()
                return caller
            } catch AMIClientError.notConnected where Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                _ = try? await caller.shutdown().get()
                throw error
            }
        }
    }
}

/// A delegate for AMI connections whose events the test ignores.
struct SilentDelegate: AMIClientDelegate {
    func amiConnectionStateChanged(_ state: AMIConnectionState) {}
    func amiEventReceived(_ event: AMIMessage) {}
}
