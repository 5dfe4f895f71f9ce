import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Where a run gets its parts: spaces, stores, the LLM and the expensive evaluator.
/// The defaults build the real ones; tests pass their own factories.
public struct EngineEnvironment: Sendable {
    public var catalog: SpaceCatalog
    public var dataDirectory: String
    public var makeProvider: @Sendable (RunConfig, String) async throws -> any LLMProvider
    public var makeEvaluator: @Sendable (RunConfig, SearchSpace, String) throws -> any ExpensiveEvaluator
    /// How the engine waits when it paces expensive evaluations (tests record instead).
    public var sleep: @Sendable (Double) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }

    public init(
        catalog: SpaceCatalog, dataDirectory: String,
        makeProvider: (@Sendable (RunConfig, String) async throws -> any LLMProvider)? = nil,
        makeEvaluator: (@Sendable (RunConfig, SearchSpace, String) throws -> any ExpensiveEvaluator)? = nil
    ) {
        self.catalog = catalog
        self.dataDirectory = dataDirectory
        self.makeProvider =
            makeProvider ?? { config, dataDir in
                try await ProviderFactory.make(
                    name: config.provider, model: config.model, replayFile: config.replayFile,
                    logDirectory: (dataDir as NSString).appendingPathComponent("logs"))
            }
        self.makeEvaluator =
            makeEvaluator ?? { config, space, dataDir in try Engine.builtinEvaluator(config, space, dataDir) }
    }

    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("llmpp.sqlite") }
    public var cacheDirectory: String { (dataDirectory as NSString).appendingPathComponent("cache") }
}
