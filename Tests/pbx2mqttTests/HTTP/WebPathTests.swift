import Testing

@testable import PBX2MQTTApp

/// Which request paths name a file of the web folder (pure; the server test covers the I/O).
@Suite struct WebPathTests {
    /// Should map the pages, their assets and `/` to files under the folder, with their types.
    @Test(arguments: [
        ("/", ["index.html"], "text/html; charset=utf-8"),
        ("/index.html?broker=ws://x:9001&prefix=pbx", ["index.html"], "text/html; charset=utf-8"),
        ("/agent.html?agent=147#top", ["agent.html"], "text/html; charset=utf-8"),
        ("/vendor/mqtt.min.js", ["vendor", "mqtt.min.js"], "text/javascript; charset=utf-8"),
        ("/style.css", ["style.css"], "text/css; charset=utf-8"),
        ("/sub/", ["sub", "index.html"], "text/html; charset=utf-8"),
        ("/caf%C3%A9.PNG", ["café.PNG"], "image/png"),
    ])
    func servablePaths(uri: String, segments: [String], contentType: String) throws {
        let path = try #require(WebPath(uri: uri))
        #expect(path.segments == segments)
        #expect(path.contentType == contentType)
    }

    /// Should refuse every way out of the folder, hidden files, odd encodings and unknown types.
    @Test(arguments: [
        "/../Package.swift", "/..", "/../../etc/passwd.html", "/%2e%2e/secret.html", "/%2E%2E%2Fsecret.html",
        "/vendor/..%2F..%2Findex.html", "/vendor/%2F/index.html", "/.git/config.json", "/.hidden.js",
        "/./index.html", "//etc/passwd.html", "/a\\..\\b.html", "/a%5C..%5Cb.html", "/index.html%00.png",
        "/%ZZ.html", "/%C3.html", "/index", "/Package.swift", "/etc/passwd", "index.html", "",
        "http://host/index.html", "/C:%2Findex.html", "/a%0Ab.html", "/" + String(repeating: "a", count: 1100) + ".js",
    ])
    func refusedPaths(uri: String) {
        #expect(WebPath(uri: uri) == nil, "\(uri)")
    }
}
