import NIOCore
import Testing

@testable import PBX2MQTTApp

extension MetricsHTTPServer {
    /// Runs the bound server, calls `body` with its port, then closes it (also when `body`
    /// throws) and waits for it to stop: the HTTP tests' one way to serve.
    func serving(_ body: (Int) async throws -> Void) async throws {
        let port = try #require(self.localAddress?.port)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            do {
                try await body(port)
            } catch {
                self.close()
                throw error
            }
            self.close()
            try await group.waitForAll()
        }
    }
}
