import Foundation

/// A throw-away PKI made with `/usr/bin/openssl` for the TLS tests: a CA, a server certificate
/// for `localhost` and `127.0.0.1`, one for another name only, a client certificate, and a
/// second CA that signed nothing here (the "wrong CA").
///
/// Made once per test process (EC P-256 keys: a few openssl runs, well under a second) in a
/// fresh temporary folder; the files are PEM, keys unencrypted and mode 0600.
public struct TestCertificates: Sendable {
    public let directory: URL
    /// The CA that signed every certificate below.
    public var caFile: String { self.path("ca.pem") }
    /// A CA that signed none of them: verification against it fails.
    public var otherCAFile: String { self.path("other-ca.pem") }
    /// Server certificate with subjectAltName DNS:localhost, IP:127.0.0.1.
    public var serverCertFile: String { self.path("server.pem") }
    public var serverKeyFile: String { self.path("server.key") }
    /// Server certificate with subjectAltName DNS:pbx.invalid only: a hostname mismatch on loopback.
    public var otherNameCertFile: String { self.path("other-name.pem") }
    public var otherNameKeyFile: String { self.path("other-name.key") }
    /// Client certificate (extendedKeyUsage clientAuth), CN pbx2mqtt.
    public var clientCertFile: String { self.path("client.pem") }
    public var clientKeyFile: String { self.path("client.key") }

    /// The certificates of this test process, made on first use.
    public static func shared() async throws -> TestCertificates {
        try await Maker.shared.certificates()
    }

    private func path(_ name: String) -> String {
        self.directory.appendingPathComponent(name).path
    }

    /// Makes the certificates once; concurrent callers wait for the same run.
    private actor Maker {
        static let shared = Maker()
        private var made: Task<TestCertificates, any Error>?

        func certificates() async throws -> TestCertificates {
            if let made = self.made {
                return try await made.value
            }
            let task = Task { try await TestCertificates.make() }
            self.made = task
            return try await task.value
        }
    }

    private static func make() async throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pbx2mqtt-pki-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try await certificates.makeCA("ca", subject: "/CN=pbx2mqtt test CA")
        try await certificates.makeCA("other-ca", subject: "/CN=pbx2mqtt unrelated CA")
        try await certificates.makeLeaf(
            "server", subject: "/CN=localhost",
            extensions: ["subjectAltName=DNS:localhost,IP:127.0.0.1", "extendedKeyUsage=serverAuth"])
        try await certificates.makeLeaf(
            "other-name", subject: "/CN=pbx.invalid",
            extensions: ["subjectAltName=DNS:pbx.invalid", "extendedKeyUsage=serverAuth"])
        try await certificates.makeLeaf(
            "client", subject: "/CN=pbx2mqtt", extensions: ["extendedKeyUsage=clientAuth"])
        for name in ["ca.key", "other-ca.key", "server.key", "other-name.key", "client.key"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: certificates.path(name))
        }
        return certificates
    }

    private func makeCA(_ name: String, subject: String) async throws {
        try await Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", self.path("\(name).key"), "-out", self.path("\(name).pem"), "-days", "3", "-subj", subject,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func makeLeaf(_ name: String, subject: String, extensions: [String]) async throws {
        let extensionFile = self.path("\(name).ext")
        let lines = ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment"] + extensions
        try (lines.joined(separator: "\n") + "\n").write(toFile: extensionFile, atomically: true, encoding: .utf8)
        try await Self.openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", self.path("\(name).key"), "-out", self.path("\(name).csr"), "-subj", subject,
        ])
        try await Self.openssl([
            "x509", "-req", "-in", self.path("\(name).csr"), "-CA", self.caFile, "-CAkey", self.path("ca.key"),
            "-CAcreateserial", "-out", self.path("\(name).pem"), "-days", "3", "-sha256", "-extfile", extensionFile,
        ])
    }

    private static func openssl(_ arguments: [String]) async throws {
        let result = try await RunningCommand.run("/usr/bin/openssl", arguments, timeout: 30)
        guard result.exitCode == 0, !result.timedOut else {
            throw TestCertificatesError.openssl(arguments: arguments.joined(separator: " "), stderr: result.stderr)
        }
    }
}

/// Why the test PKI could not be made.
public enum TestCertificatesError: Error, CustomStringConvertible {
    case openssl(arguments: String, stderr: String)

    public var description: String {
        switch self {
        case .openssl(let arguments, let stderr):
            "openssl \(arguments) failed (is the openssl package installed? scripts/install-deps installs it): \(stderr)"
        }
    }
}
