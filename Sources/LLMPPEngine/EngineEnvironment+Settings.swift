import Foundation
import LLMPPCore
import LLMPPLLM

extension EngineEnvironment {
    /// The real provider and evaluator with the run's limits applied: the LLM's timeout
    /// (`--llm-timeout`), its concurrency (`--concurrency`), the evaluator's timeout and the provider keys it may see
    /// (`--evaluator-env`). The plain initialiser's defaults predate these settings.
    public static func applyingRunSettings(catalog: SpaceCatalog, dataDirectory: String) -> EngineEnvironment {
        EngineEnvironment(
            catalog: catalog, dataDirectory: dataDirectory,
            makeProvider: { config, dataDir in
                try await ProviderFactory.make(
                    name: config.provider, model: config.model, replayFile: config.replayFile,
                    logDirectory: (dataDir as NSString).appendingPathComponent("logs"),
                    timeout: config.prediction.timeout, concurrency: config.prediction.concurrency)
            },
            makeEvaluator: { config, space, dataDir in
                guard config.evaluator.kind == "external" else {
                    return try Engine.builtinEvaluator(config, space, dataDir)
                }
                return ExternalEvaluator(
                    command: config.evaluator.command ?? "", space: space, timeout: config.evaluator.timeout,
                    logPath: (dataDir as NSString).appendingPathComponent("logs/evaluator.log"),
                    passEnvironment: config.evaluator.passEnvironment)
            })
    }
}
