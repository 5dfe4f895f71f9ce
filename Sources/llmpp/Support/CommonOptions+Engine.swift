import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPStore

extension CommonOptions {
    func engineEnvironment() throws -> EngineEnvironment {
        EngineEnvironment.applyingRunSettings(catalog: try catalog(), dataDirectory: resolvedDataDirectory)
    }

    /// Resumes `resume` when given, else creates a run from the options (`adjust` edits its config).
    func engine(
        resume: String?, run: RunOptions, llm: ProviderOptions, defaultSpace: String? = nil,
        defaults: RunOptions.Defaults = .init(),
        adjust: (inout RunConfig) -> Void = { _ in }
    ) async throws -> Engine {
        let env = try engineEnvironment()
        if let id = resume {
            // "No such run" first: the flags were judged before, against a run that is not there.
            let row = try await Engine.savedRun(
                id, in: RunStore(path: env.databasePath, create: false), environment: env)
            let amend = try ResumeFlags.amendments(
                runID: id, arguments: Array(CommandLine.arguments.dropFirst()), run: run, llm: llm,
                saved: try? JSONDecoder().decode(RunConfig.self, from: Data(row.config.utf8)))
            let engine = try await Engine.resume(runID: id, environment: env, amend: amend)
            for line in amend.summary(spent: await engine.state.counters) {
                StandardError.line("run \(id): \(line) (saved with the run)")
            }
            return engine
        }
        guard let space = run.space ?? defaultSpace else {
            throw CLIError("--space is required (or --resume RUN)")
        }
        var config = try run.config(space: space, llm: llm, defaults: defaults)
        let loaded = try loadSpace(space)
        if run.splitSeed == nil, let l = loaded.labelled { config.splitSeed = l.defaultSplitSeed }
        if let p = config.problem(in: loaded) { throw CLIError(p) }
        // The prompt files are read only when the run asks an LLM (a space without prompts can be searched).
        if config.labels > 0 || config.evaluateLLM {
            config.prompt = try run.prompt.resolve(parts: config.prompt, template: PromptTemplate.load(space: loaded))
        }
        adjust(&config)
        return try await Engine.create(config: config, environment: env)
    }
}
