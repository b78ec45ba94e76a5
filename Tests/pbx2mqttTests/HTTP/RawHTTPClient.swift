import Foundation
import NIOCore
import NIOPosix

/// Sends one HTTP/1.1 request over a fresh TCP connection and returns status and body.
///
/// Deliberately raw (no HTTP client library) so the test checks the bytes the server writes.
enum RawHTTPClient {
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    enum Failure: Error {
        case malformed(String)
    }

    static func get(_ path: String, port: Int, method: String = "GET") async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let raw = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "\(method) \(path) HTTP/1.1\r\nHost: test\r\n\r\n"))
            var received = ByteBuffer()
            for try await var chunk in inbound {
                received.writeBuffer(&chunk)
            }
            return String(buffer: received)
        }
        guard let split = raw.range(of: "\r\n\r\n") else {
            throw Failure.malformed(raw)
        }
        let headLines = raw[..<split.lowerBound].split(separator: "\r\n")
        guard let statusLine = headLines.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else {
            throw Failure.malformed(raw)
        }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces
                )
            }
        }
        return Response(status: status, headers: headers, body: String(raw[split.upperBound...]))
    }
}
