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
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // OpenBLAS through its CBLAS header; the module map names the library.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // Spaces, data, metrics, MLP, evolution operators. No UI, no network.
        // Optimised in debug builds too: training loops are 20-50x slower unoptimised, which
        // would make `swift test` (a debug build) spend minutes in the MLP.
        // Element-wise kernels Swift does not vectorise (Adam's square root and division).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        .target(
            name: "LLMPPCore", dependencies: ["CBLAS", "CKernels"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // The SQLite database: transcripts of LLM calls (and, later, runs).
        .target(name: "LLMPPStore", dependencies: ["CSQLite"]),
        // Prompts, providers (OpenAI-compatible, Anthropic, local llama-server, replay), parsing.
        .target(name: "LLMPPLLM", dependencies: ["LLMPPCore", "LLMPPStore"]),
        // The actor that runs LLM-PP, LLM-Distill-PP and HS-NAS incrementally, steerable and resumable.
        .target(name: "LLMPPEngine", dependencies: ["LLMPPCore", "LLMPPStore", "LLMPPLLM"]),
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        // The explorer: model, key map and renderer into a cell buffer (no terminal needed),
        // and a thin ncursesw layer that blits only the cells that changed.
        .target(name: "LLMPPTUI", dependencies: ["LLMPPCore", "LLMPPStore", "LLMPPEngine", "CNcurses"]),
        .executableTarget(
            name: "llmpp",
            dependencies: [
                "LLMPPCore", "LLMPPStore", "LLMPPLLM", "LLMPPEngine", "LLMPPTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LLMPPCoreTests", dependencies: ["LLMPPCore", "CKernels", "LLMPPTestSupport"], exclude: ["Snapshots"]),
        // An HTTP server speaking the OpenAI and Anthropic protocols, scripted, for tests only.
        .target(name: "LLMPPTestSupport", dependencies: ["LLMPPCore", "LLMPPLLM"], path: "Tests/LLMPPTestSupport"),
        .testTarget(name: "LLMPPStoreTests", dependencies: ["LLMPPStore", "LLMPPTestSupport"]),
        .testTarget(name: "LLMPPLLMTests", dependencies: ["LLMPPLLM", "LLMPPStore", "LLMPPCore", "LLMPPTestSupport"]),
        .testTarget(
            name: "LLMPPTUITests",
            dependencies: ["LLMPPTUI", "LLMPPEngine", "LLMPPCore", "LLMPPStore", "LLMPPTestSupport"],
            exclude: ["Snapshots"]),
        .testTarget(
            name: "LLMPPEngineTests",
            dependencies: ["LLMPPEngine", "LLMPPLLM", "LLMPPStore", "LLMPPCore", "LLMPPTestSupport"]),
        // Runs the built binary; depends on it so that `swift test` builds it first.
        .testTarget(name: "LLMPPCLITests", dependencies: ["llmpp", "LLMPPLLM", "LLMPPStore", "LLMPPTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harnesses, only when scripts/fuzz builds them (they need the fuzzer runtime and
// coverage flags that a plain build does not pass).
if Context.environment["LLMPP_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "LLMPPFuzz", dependencies: ["LLMPPCore", "LLMPPLLM", "LLMPPEngine", "LLMPPTUI"],
            path: "Fuzz/LLMPPFuzz", swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}
