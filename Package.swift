// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Newsdesk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "newsdesk", targets: ["newsdesk"]),
        .library(name: "NewsdeskCore", targets: ["NewsdeskCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // libcurl: a system library plus typed wrappers for its variadic calls.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libxml2 behind an opaque C API: its headers (which pull in ICU) stay in the .c file,
        // so no Swift module that imports Foundation ever sees them.
        .target(
            name: "CLibXML2",
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2", "-Wall", "-Wextra", "-Werror"])],
            linkerSettings: [.linkedLibrary("xml2")]
        ),
        .target(
            name: "NewsdeskCore",
            dependencies: [
                "CCurl", "CLibXML2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "newsdesk",
            dependencies: [
                "NewsdeskCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Loopback servers shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "NewsdeskCoreTests",
            dependencies: [
                "NewsdeskCore", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "newsdeskTests",
            dependencies: ["newsdesk", "NewsdeskCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)

// Strict settings for every Swift target, in one place: warnings are errors in every build.
for target in package.targets where target.type != .system && target.name != "CLibXML2" {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .treatAllWarnings(as: .error),
        ]
}
