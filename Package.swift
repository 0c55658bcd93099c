// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Newsdesk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "newsdesk", targets: ["newsdesk"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // libcurl: a system library plus typed wrappers for its variadic calls.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libpq, PostgreSQL's client library, for a state kept in PostgreSQL.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libxml2 behind an opaque C API: its headers (which pull in ICU) stay in the .c file,
        // so no Swift module that imports Foundation ever sees them.
        .target(
            name: "CLibXML2",
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2", "-Wall", "-Wextra", "-Werror"])],
            linkerSettings: [.linkedLibrary("xml2")]
        ),
        // The pipeline, one target per stage. A target depends only on earlier ones: Base, Config,
        // Fetch, Parse, Store, Stories, Publish, Daemon (scripts/check-arrows.py checks this).
        .target(name: "NewsdeskBase"),
        .target(name: "NewsdeskConfig", dependencies: ["NewsdeskBase"]),
        .target(name: "NewsdeskFetch", dependencies: ["NewsdeskBase", "NewsdeskConfig", "CCurl"]),
        .target(name: "NewsdeskParse", dependencies: ["NewsdeskBase", "NewsdeskConfig", "CLibXML2"]),
        .target(
            name: "NewsdeskStore",
            dependencies: [
                "NewsdeskBase", "NewsdeskConfig", "NewsdeskParse", "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "NewsdeskStories",
            dependencies: ["NewsdeskBase", "NewsdeskConfig", "NewsdeskFetch", "NewsdeskStore"]
        ),
        .target(
            name: "NewsdeskPublish",
            dependencies: [
                "NewsdeskBase", "NewsdeskConfig", "NewsdeskParse", "NewsdeskStore", "NewsdeskStories",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "NewsdeskDaemon",
            dependencies: [
                "NewsdeskBase", "NewsdeskConfig", "NewsdeskFetch", "NewsdeskParse", "NewsdeskStore",
                "NewsdeskStories", "NewsdeskPublish",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "newsdesk",
            dependencies: [
                "NewsdeskBase", "NewsdeskConfig", "NewsdeskFetch", "NewsdeskParse", "NewsdeskStore",
                "NewsdeskStories", "NewsdeskPublish", "NewsdeskDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Test helpers: loopback servers (no Newsdesk code), and parsing with a fixed clock.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .target(name: "FeedTestSupport", dependencies: ["NewsdeskBase", "NewsdeskParse"], path: "Tests/FeedTestSupport"),
        // One test target per stage, each depending on its stage and what that stage may use.
        .testTarget(name: "NewsdeskBaseTests", dependencies: ["NewsdeskBase"]),
        .testTarget(
            name: "NewsdeskConfigTests",
            dependencies: ["NewsdeskBase", "NewsdeskConfig"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "NewsdeskFetchTests", dependencies: ["NewsdeskConfig", "NewsdeskFetch", "TestSupport"]),
        .testTarget(
            name: "NewsdeskParseTests",
            dependencies: ["NewsdeskBase", "NewsdeskConfig", "NewsdeskParse", "FeedTestSupport", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "NewsdeskStoreTests",
            dependencies: [
                "NewsdeskBase", "NewsdeskConfig", "NewsdeskParse", "NewsdeskStore", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "NewsdeskStoriesTests",
            dependencies: [
                "NewsdeskBase", "NewsdeskConfig", "NewsdeskParse", "NewsdeskStore", "NewsdeskStories", "FeedTestSupport",
                "TestSupport",
            ]
        ),
        .testTarget(
            name: "NewsdeskPublishTests",
            dependencies: [
                "NewsdeskConfig", "NewsdeskParse", "NewsdeskStore", "NewsdeskStories", "NewsdeskPublish", "FeedTestSupport",
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "NewsdeskDaemonTests",
            dependencies: [
                "NewsdeskBase", "NewsdeskConfig", "NewsdeskFetch", "NewsdeskParse", "NewsdeskStore", "NewsdeskStories",
                "NewsdeskDaemon", "FeedTestSupport", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "newsdeskTests",
            dependencies: [
                "newsdesk", "NewsdeskConfig", "NewsdeskParse", "NewsdeskStories", "NewsdeskPublish", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)

// Strict settings for every Swift target, in one place: warnings are errors in every build.
// Release builds optimize across the stages' modules as one program would be (full cross-module
// optimization): split into targets, the hot paths call across module boundaries.
for target in package.targets where target.type != .system && target.name != "CLibXML2" {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .treatAllWarnings(as: .error),
            .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
        ]
}
