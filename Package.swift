// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "llmpp",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "llmpp", targets: ["llmpp"]),
        .library(name: "LLMPPCore", targets: ["LLMPPCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // OpenBLAS through its CBLAS header; the module map names the library.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // Spaces, data, metrics, MLP, evolution operators. No UI, no network.
        .target(name: "LLMPPCore", dependencies: ["CBLAS"]),
        .executableTarget(
            name: "llmpp",
            dependencies: [
                "LLMPPCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LLMPPCoreTests", dependencies: ["LLMPPCore"]),
    ],
    swiftLanguageModes: [.v6]
)
