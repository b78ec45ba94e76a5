import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import PBX2MQTTApp

/// The files in deploy/ are exercised with the real tools: mosquitto loads the shipped
/// configuration and enforces the shipped ACL; systemd-analyze accepts the unit.
@Suite(.serialized) struct DeployFilesTests {
    static let deploy = ProcessRunner.repositoryRoot.appendingPathComponent("deploy")

    /// A free TCP port on loopback (bound and released at once).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    /// Replaces `original` in `text`, failing the test when the shipped file no longer has it.
    static func replacing(_ original: String, with replacement: String, in text: String) throws -> String {
        try #require(text.contains(original), "deploy file no longer contains '\(original)'")
        return text.replacingOccurrences(of: original, with: replacement)
    }

    /// Should let each user see and send exactly what mosquitto.acl grants, under mosquitto.conf.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto")))
    func mosquittoEnforcesTheShippedACL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tcpPort = try await Self.freePort()
        let webSocketPort = try await Self.freePort()
        let data = directory.url.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // mosquitto started as root drops to the `mosquitto` user, which must reach these.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: data.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.url.path)

        var conf = try String(contentsOf: Self.deploy.appendingPathComponent("mosquitto.conf"), encoding: .utf8)
        conf = try Self.replacing("/var/lib/mosquitto/", with: data.path + "/", in: conf)
        conf = try Self.replacing("/etc/mosquitto/passwd", with: directory.path("passwd"), in: conf)
        conf = try Self.replacing("/etc/mosquitto/pbx2mqtt.acl", with: directory.path("acl"), in: conf)
        conf = try Self.replacing("listener 1883 127.0.0.1", with: "listener \(tcpPort) 127.0.0.1", in: conf)
        conf = try Self.replacing("listener 9001", with: "listener \(webSocketPort) 127.0.0.1", in: conf)
        conf = try Self.replacing("log_dest syslog", with: "log_dest stdout", in: conf)
        let confPath = try directory.write("mosquitto.conf", conf, permissions: 0o644)
        let acl = try String(contentsOf: Self.deploy.appendingPathComponent("mosquitto.acl"), encoding: .utf8)
        try directory.write("acl", acl, permissions: 0o644)
        try directory.write("passwd", "", permissions: 0o644)
        for user in ["pbx2mqtt", "dashboard", "crm"] {
            let result = try await ProcessRunner.run([
                "mosquitto_passwd", "-b", directory.path("passwd"), user, "pw-\(user)",
            ])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: directory.path("passwd"))

        let broker = try ProcessRunner.start(
            ["mosquitto", "-c", confPath],
            log: directory.url.appendingPathComponent("broker.log")
        )
        defer { ProcessRunner.stop(broker) }
        let base = ["-h", "127.0.0.1", "-p", String(tcpPort)]
        func publish(_ user: String, _ topic: String) async throws -> Int32 {
            try await ProcessRunner.run(
                ["mosquitto_pub"] + base + ["-u", user, "-P", "pw-\(user)", "-q", "1", "-r", "-t", topic, "-m", user]
            ).status
        }
        // Wait until the broker accepts logins (its start-up is not observable otherwise).
        var attempts = 0
        while try await publish("pbx2mqtt", "pbx/bridge/state") != 0 {
            attempts += 1
            try #require(attempts < 50, "mosquitto did not start with deploy/mosquitto.conf")
            try await Task.sleep(for: .milliseconds(100))
        }
        // Retained messages make delivery independent of subscription timing; a refused
        // publish is dropped by the broker and so never retained.
        #expect(try await publish("pbx2mqtt", "pbx/agent/147/name") == 0)
        #expect(try await publish("pbx2mqtt", "pbx/reply/originate") == 0)
        #expect(try await publish("crm", "pbx/cmd/originate") == 0)
        #expect(try await publish("crm", "pbx/agent/999/name") == 0)
        #expect(try await publish("dashboard", "pbx/cmd/hangup") == 0)

        // `--retained-only` makes each subscriber print the retained messages it may read and
        // exit at the first live message; markers it may read are published until all exit.
        func retained(_ user: String) async throws -> Set<String> {
            let output = try await ProcessRunner.run(
                ["mosquitto_sub"] + base + ["-u", user, "-P", "pw-\(user)", "-t", "pbx/#", "-v", "--retained-only"]
            )
            return Set(output.stdout.split(separator: "\n").map(String.init).filter { !$0.contains("/marker ") })
        }
        func marker(_ user: String, _ topic: String) async throws {
            _ = try await ProcessRunner.run(
                ["mosquitto_pub"] + base + ["-u", user, "-P", "pw-\(user)", "-q", "1", "-t", topic, "-m", "end"]
            )
        }
        let markers = Task {
            while !Task.isCancelled {
                try await marker("pbx2mqtt", "pbx/bridge/marker")
                try await marker("pbx2mqtt", "pbx/reply/marker")
                try await marker("crm", "pbx/cmd/marker")
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { markers.cancel() }
        async let dashboard = retained("dashboard")
        async let bridge = retained("pbx2mqtt")
        async let crm = retained("crm")
        #expect(try await dashboard == ["pbx/bridge/state pbx2mqtt", "pbx/agent/147/name pbx2mqtt"])
        #expect(try await bridge == ["pbx/cmd/originate crm"])
        #expect(try await crm == ["pbx/reply/originate pbx2mqtt"])
    }

    /// Should pass `systemd-analyze verify` without a single warning.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func systemdUnitVerifiesCleanly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var unit = try String(contentsOf: Self.deploy.appendingPathComponent("pbx2mqtt.service"), encoding: .utf8)
        // verify insists the ExecStart binary exists.
        unit = try Self.replacing("ExecStart=/usr/local/bin/pbx2mqtt", with: "ExecStart=/bin/true", in: unit)
        let path = try directory.write("pbx2mqtt.service", unit)
        let result = try await ProcessRunner.run(["systemd-analyze", "verify", path])
        #expect(result.status == 0)
        #expect(!result.stderr.contains("pbx2mqtt.service:"), "\(result.stderr)")
        for directive in [
            "DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet=\n",
            "ExecReload=/bin/kill -HUP $MAINPID", "LoadCredential=ami-secret:", "RestartPreventExitStatus=64 78",
            // The daemon speaks sd_notify: READY=1 after the first sync, WATCHDOG=1 from its loop.
            "Type=notify\n", "NotifyAccess=main\n", "WatchdogSec=30\n", "Restart=on-failure\n",
        ] {
            #expect(unit.contains(directive), "\(directive)")
        }
        #expect(!unit.contains("Type=exec"))
    }

    /// Should document AMI over TLS in manager.conf as a commented block with the [general]
    /// options Asterisk reads and the port pbx2mqtt's ami.port must then name.
    @Test func managerConfDocumentsTLS() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("manager.conf"), encoding: .utf8)
        let general = try #require(text.components(separatedBy: "[pbx2mqtt]").first)
        for line in [
            ";tlsenable = yes", ";tlsbindaddr = 0.0.0.0:5039", ";tlscertfile = ", ";tlsprivatekey = ", ";tlscafile = ",
            ";tlsverifyclient = yes",
        ] {
            #expect(general.contains("\n" + line), "\(line)")
        }
        for key in ["ami.tls: true", "ami.port: 5039", "ami.tlsCaFile", "ami.tlsCertFile", "ami.tlsKeyFile"] {
            #expect(general.contains(key), "\(key)")
        }
        // The clear-text listener stays on loopback.
        #expect(general.contains("\nbindaddr = 127.0.0.1"))
    }
}
