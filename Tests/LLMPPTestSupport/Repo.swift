import Foundation
import LLMPPCore
import LLMPPLLM

/// The repository the tests run in: its sample spaces (loaded once per process) and scratch folders.
public enum Repo {
    public static let root: String = {
        var dir = (#filePath as NSString).deletingLastPathComponent
        for _ in 0..<2 { dir = (dir as NSString).deletingLastPathComponent }
        return dir
    }()

    public static let catalog = SpaceCatalog(directory: (root as NSString).appendingPathComponent("SampleSpaces"))

    private static let cache = SpaceCache()

    /// A sample space, loaded once per test process (spaces are immutable).
    public static func space(_ id: String) throws -> SearchSpace { try cache.get(id) }

    /// Row 1 of hat-wmt14ende's trained architectures in the data's `name: value` lines.
    public static let hatRow1 = """
        encoder-embed-dim-subtransformer: 640
        encoder-layer-num-subtransformer: 6
        encoder-ffn-embed-dim-all-subtransformer: [3072, 1024, 3072, 3072, 3072, 2048]
        encoder-self-attention-heads-all-subtransformer: [4, 8, 4, 8, 4, 4]
        decoder-embed-dim-subtransformer: 512
        decoder-layer-num-subtransformer: 3
        decoder-ffn-embed-dim-all-subtransformer: [1024, 3072, 1024]
        decoder-self-attention-heads-all-subtransformer: [8, 8, 4]
        decoder-ende-attention-heads-all-subtransformer: [4, 4, 4]
        decoder-arbitrary-ende-attn-all-subtransformer: [-1, 1, 1]
        """

    public static func tempDirectory(_ prefix: String = "llmpp-test") -> String {
        let d = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

final class SpaceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var spaces: [String: SearchSpace] = [:]
    func get(_ id: String) throws -> SearchSpace {
        lock.lock()
        defer { lock.unlock() }
        if let s = spaces[id] { return s }
        let s = try Repo.catalog.load(id)
        spaces[id] = s
        return s
    }
}

/// The Ray venv `scripts/setup-ray` installs, for the Ray evaluator's tests.
public enum RayInstall {
    /// Under the same `$LLMPP_HOME` as the local LLM (setup-ray installs it there too).
    public static var python: String {
        (LocalLlamaServer.home as NSString).appendingPathComponent("ray-venv/bin/python")
    }

    /// Why the Ray tests cannot run here, or nil. CI runs `scripts/setup` first, so a missing
    /// install fails there; `LLMPP_SKIP_RAY_TESTS=1` skips on a machine without it.
    public static var skipReason: String? {
        if ProcessInfo.processInfo.environment["LLMPP_SKIP_RAY_TESTS"] == "1" { return "LLMPP_SKIP_RAY_TESTS=1" }
        return nil
    }

    /// The evaluator command for `--function FUNCTION` and extra flags.
    public static func command(_ function: String, _ flags: String = "") -> String {
        let dir = (Repo.root as NSString).appendingPathComponent("scripts/evaluators")
        return "\(python) \(dir)/ray_evaluator.py --function \(function) --path \(dir) --local-cpus 2 \(flags)"
    }
}
