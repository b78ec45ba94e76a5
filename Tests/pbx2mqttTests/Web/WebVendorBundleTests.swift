import Foundation
import PBXTestSupport
import Testing

/// web/vendor/mqtt.min.js is MQTT.js from Debian's node-mqtt, not hand-written protocol code:
/// the committed file must be exactly what scripts/build-web-vendor makes from the packages.
@Suite struct WebVendorBundleTests {
    static let bundle = Fixtures.repositoryRoot.appendingPathComponent("web/vendor/mqtt.min.js")

    /// Should rebuild byte for byte from Debian's esbuild and node-* packages (installed by
    /// scripts/install-deps), so the pinned file is reproducible and reviewable.
    @Test func rebuildIsByteIdentical() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.path("mqtt.min.js")
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/build-web-vendor").path
        let build = try await ProcessRunner.run([script, output], timeout: .seconds(120))
        #expect(build.status == 0, "\(build.stderr)")
        let rebuilt = try Data(contentsOf: URL(fileURLWithPath: output))
        let committed = try Data(contentsOf: Self.bundle)
        #expect(rebuilt == committed, "run scripts/build-web-vendor and commit web/vendor/mqtt.min.js")
    }

    /// Should name its version, its source and its licence in the header, and close that
    /// comment only once (a `*/` inside it broke the whole bundle once).
    @Test func headerNamesVersionAndLicence() throws {
        let text = try String(contentsOf: Self.bundle, encoding: .utf8)
        let header = try #require(text.components(separatedBy: "*/").first)
        #expect(header.hasPrefix("/*! MQTT.js 4.3.6 (Debian node-mqtt "))
        #expect(header.contains("MIT licence"))
        #expect(header.contains("scripts/build-web-vendor"))
        #expect(text.contains("var mqtt=("))
    }
}
