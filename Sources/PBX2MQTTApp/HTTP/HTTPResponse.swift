import NIOHTTP1

/// A complete, small HTTP response produced by ``MetricsHTTPServer``'s router.
struct HTTPResponse: Sendable, Equatable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]

    /// A plain-text response.
    static func text(_ status: HTTPResponseStatus, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(body.utf8))
    }

    /// The body as UTF-8 text (tests and logs).
    var bodyText: String {
        String(decoding: self.body, as: UTF8.self)
    }
}
