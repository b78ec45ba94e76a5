// swift-tools-version: 6.2
import PackageDescription

/// Strict settings shared by every target: Swift 6 language mode plus the upcoming features
/// the Swift server libraries we learn from turn on.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// `swift build --traits Fuzzing --product fuzz-…` instruments the project's own targets for
/// libFuzzer (coverage and AddressSanitizer) and links the fuzz executables with libFuzzer;
/// dependencies stay as they are. Without the trait nothing changes, and the fuzz executables
/// are plain replayers of saved inputs. See Fuzz/README.md.
let fuzzing: BuildSettingCondition = .when(traits: ["Fuzzing"])
/// The settings of the targets a fuzzer exercises.
let fuzzedSettings: [SwiftSetting] = strictSettings + [.unsafeFlags(["-sanitize=fuzzer,address", "-O"], fuzzing)]

/// Dependencies most targets share, named once.
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "pbx2mqtt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pbx2mqtt", targets: ["pbx2mqtt"]),
        .executable(name: "ami-sim", targets: ["ami-sim"]),
        .library(name: "AMI", targets: ["AMI"]),
        .library(name: "CallCenter", targets: ["CallCenter"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .library(name: "Bridge", targets: ["Bridge"]),
        .library(name: "AMISimulator", targets: ["AMISimulator"]),
    ],
    traits: [
        .trait(name: "Fuzzing", description: "Instrument the project's targets for the libFuzzer executables in Fuzz/.")
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(
            url: "https://github.com/apple/swift-configuration",
            from: "1.4.0",
            traits: [.defaults, "YAML", "Reloading", "CommandLineArguments"]
        ),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // Already in the graph through swift-configuration's YAML trait (same range); named here
        // because the unknown-key check walks the parsed document with its node API.
        .package(url: "https://github.com/jpsim/Yams", "5.4.0"..<"7.0.0"),
    ],
    targets: [
        // MARK: C boundary
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // glibc's malloc_trim, which Swift's Glibc module leaves out: the bridge returns a
        // sync's freed peak to the system.
        .target(name: "CMalloc"),

        // MARK: Primitives every layer shares (no dependencies)
        .target(
            name: "PBXCore",
            swiftSettings: fuzzedSettings
        ),

        // MARK: Layers, in the order data flows through them
        .target(
            name: "AMI",
            dependencies: [
                "PBXCore",
                nioCore,
                nioPosix,
                nioSSL,
                logging,
            ],
            swiftSettings: fuzzedSettings
        ),
        .target(
            name: "CallCenter",
            dependencies: ["AMI"],
            swiftSettings: fuzzedSettings
        ),
        .target(
            name: "MQTT",
            dependencies: [
                "CMosquitto", "PBXCore",
                logging,
            ],
            swiftSettings: fuzzedSettings
        ),
        .target(
            name: "Bridge",
            dependencies: [
                "AMI", "CallCenter", "CMalloc", "MQTT", "PBXCore",
                nioCore,
                nioPosix,
                logging,
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: fuzzedSettings
        ),
        // The daemon: everything but the entry point is a library, so that the configuration
        // fuzzer (Fuzz/) can drive the same loading path `check-config` takes.
        .executableTarget(
            name: "pbx2mqtt",
            dependencies: ["PBX2MQTTApp", argumentParser],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PBX2MQTTApp",
            dependencies: [
                "Bridge", "AMISimulator", "AMI", "CallCenter", "MQTT", "LocalMosquitto", "PBXCore",
                argumentParser,
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                nioCore,
                nioPosix,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: fuzzedSettings
        ),

        // MARK: The fake Asterisk
        .target(
            name: "AMISimulator",
            dependencies: [
                "AMI", "PBXCore",
                nioCore,
                nioPosix,
                nioSSL,
                logging,
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ami-sim",
            dependencies: [
                "AMISimulator",
                argumentParser,
                logging,
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Benchmarks (an executable, never a timed test)
        .executableTarget(
            name: "pbx2mqtt-bench",
            dependencies: [
                "Bridge", "AMISimulator", "AMI", "CallCenter", "MQTT", "CMosquitto", "LocalMosquitto",
                nioCore,
                nioPosix,
                logging,
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                argumentParser,
            ],
            path: "Benchmarks",
            exclude: ["results.json", "README.md", "soak"],
            swiftSettings: strictSettings
        ),

        // MARK: A private broker for the demo and the tests
        .target(
            name: "LocalMosquitto",
            swiftSettings: strictSettings
        ),

        // MARK: Fuzzing (Fuzz/README.md)
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(
            name: "FuzzHarness",
            dependencies: ["AMI", "CallCenter", "Bridge", "PBX2MQTTApp", nioCore],
            path: "Fuzz/Harness",
            swiftSettings: fuzzedSettings
        ),
        fuzzExecutable("fuzz-ami"),
        fuzzExecutable("fuzz-commands"),
        fuzzExecutable("fuzz-config"),

        // MARK: Test support and tests
        .target(
            name: "PBXTestSupport",
            dependencies: [
                "AMI", "LocalMosquitto",
                nioCore,
                logging,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PBXCoreTests",
            dependencies: ["PBXCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AMITests",
            dependencies: [
                "AMI", "PBXTestSupport", "AMISimulator",
                nioCore,
                nioPosix,
                .product(name: "NIOEmbedded", package: "swift-nio"),
                logging,
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CallCenterTests",
            dependencies: ["CallCenter", "AMI", "PBXTestSupport"],
            resources: [.copy("Golden")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MQTTTests",
            dependencies: ["MQTT", "PBXTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AMISimulatorTests",
            dependencies: ["AMISimulator", "AMI", "PBXCore", "PBXTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BridgeTests",
            dependencies: ["Bridge", "AMI", "CallCenter", "MQTT", "AMISimulator", "PBXTestSupport", nioCore, logging],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "pbx2mqttTests",
            dependencies: [
                "PBX2MQTTApp", "Bridge", "PBXTestSupport",
                logging,
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                nioCore,
                nioPosix,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                argumentParser,
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FuzzHarnessTests",
            dependencies: ["FuzzHarness", "AMI", "CallCenter", "PBXTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Bridge", "AMI", "CallCenter", "MQTT", "AMISimulator", "PBXTestSupport", "LocalMosquitto",
                nioCore,
                nioPosix,
                logging,
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// A fuzz executable over one harness of FuzzHarness: libFuzzer's driver with the Fuzzing
/// trait (which defines FUZZING), a replayer of saved inputs without it.
func fuzzExecutable(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzHarness", "CLibFuzzer"],
        path: "Fuzz/\(name)",
        swiftSettings: fuzzedSettings + [.define("FUZZING", fuzzing)],
        linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"], fuzzing)]
    )
}
