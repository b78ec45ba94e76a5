import Foundation
import Logging
import NIOCore
import PBXTestSupport
import Prometheus
import Testing

@testable import PBX2MQTTApp

/// `http.web`: the daemon's HTTP listener serving the web folder, and nothing outside it.
@Suite struct WebSiteServingTests {
    /// Runs a server for `web` on a free port.
    static func withServer(web: WebSite?, _ body: (Int) async throws -> Void) async throws {
        let server = try await MetricsHTTPServer.bind(
            address: ListenAddress(host: "127.0.0.1", port: 0),
            registry: PrometheusCollectorRegistry(),
            health: { HealthStatus(amiConnected: true, brokerConnected: true) },
            web: web,
            prefix: "acme/pbx",
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await server.serving(body)
    }

    /// The repository's web/ folder, as `http.webDirectory`'s default finds it from the checkout.
    static var repositoryWeb: String {
        Fixtures.repositoryRoot.appendingPathComponent("web").path
    }

    /// Should serve the repository's pages and bundle byte for byte, with their content types,
    /// and `/config.json` with the prefix and the configured broker URL.
    @Test func servesThePagesAndConfig() async throws {
        let root = try WebSite.open(directory: Self.repositoryWeb).get()
        let web = WebSite(root: root, brokerURL: "ws://mqtt.example:9001")
        try await Self.withServer(web: web) { (port: Int) async throws in
            for (uri, file, type) in [
                ("/", "index.html", "text/html"), ("/agent.html?agent=147", "agent.html", "text/html"),
                ("/vendor/mqtt.min.js", "vendor/mqtt.min.js", "text/javascript"),
                ("/style.css", "style.css", "text/css"),
            ] {
                let response = try await RawHTTPClient.get(uri, port: port)
                let expected = try String(contentsOfFile: "\(Self.repositoryWeb)/\(file)", encoding: .utf8)
                #expect(response.status == 200, "\(uri)")
                #expect(response.body == expected, "\(uri)")
                #expect(response.headers["content-type"]?.hasPrefix(type) == true, "\(uri): \(response.headers)")
            }
            let config = try await RawHTTPClient.get("/config.json", port: port)
            #expect(config.status == 200)
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(config.body.utf8)) as? [String: String])
            #expect(json == ["prefix": "acme/pbx", "broker": "ws://mqtt.example:9001"])
            #expect(try await RawHTTPClient.get("/healthz", port: port).status == 200)
            #expect(try await RawHTTPClient.get("/agent.html", port: port, method: "POST").status == 405)
        }
    }

    /// Should answer 404 for everything outside the folder: `..` in any spelling, a symbolic
    /// link pointing out, hidden files, folders, unknown types, and a file that is not there.
    @Test func refusesPathTraversal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let site = directory.url.appendingPathComponent("site")
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("sub.js"), withIntermediateDirectories: true)
        try "<h1>in</h1>".write(to: site.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "{}".write(to: site.appendingPathComponent(".secret.json"), atomically: true, encoding: .utf8)
        try "outside".write(to: directory.url.appendingPathComponent("outside.html"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: site.appendingPathComponent("link.html").path, withDestinationPath: "../outside.html")
        let web = WebSite(root: try WebSite.open(directory: site.path).get(), brokerURL: nil)
        try await Self.withServer(web: web) { (port: Int) async throws in
            #expect(try await RawHTTPClient.get("/", port: port).body == "<h1>in</h1>")
            for uri in [
                "/../outside.html", "/%2e%2e/outside.html", "/%2E%2E%2Foutside.html", "/sub.js/..%2F..%2Foutside.html",
                "/link.html", "/.secret.json", "/sub.js", "/missing.html", "/..%5Coutside.html",
            ] {
                let response = try await RawHTTPClient.get(uri, port: port)
                #expect(response.status == 404, "\(uri)")
                #expect(!response.body.contains("outside"), "\(uri)")
            }
            #expect(try await RawHTTPClient.get("/config.json", port: port).body == "{\"prefix\":\"acme/pbx\"}\n")
        }
    }

    /// Should keep the pages off when `http.web` is (the default): 404, as before.
    @Test func webOffServesNothing() async throws {
        try await Self.withServer(web: nil) { (port: Int) async throws in
            #expect(try await RawHTTPClient.get("/", port: port).status == 404)
            #expect(try await RawHTTPClient.get("/config.json", port: port).status == 404)
            #expect(try await RawHTTPClient.get("/metrics", port: port).status == 200)
        }
    }

    /// Should refuse a web folder without index.html, or a missing one, saying what to do.
    @Test func openRefusesFoldersWithoutPages() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(WebSite.open(directory: directory.url.path) == .failure(.noIndex))
        #expect(WebSite.open(directory: directory.path("nope")) == .failure(.notAFolder))
        #expect(WebSite.OpenError.noIndex.description.contains("http.webDirectory"))
    }
}
