import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPStore

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract:
            "HS-NAS: label with LLM-PP, distil, then evolve with the switch from LLM-Distill-PP to the expensive evaluator.",
        discussion:
            "Progress goes to stderr. A run is saved after every unit: kill it at any moment and continue with --resume RUN."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var llm: ProviderOptions
    @OptionGroup var run: RunOptions
    @Option(help: "Continue this run from where it stopped.") var resume: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let engine = try await common.engine(resume: resume, run: run, llm: llm)
        let state = try await HeadlessRun.drive(engine, label: "search", folders: common.namedFolders)
        print(await Self.result(engine: engine, state: state, json: json))
    }

    /// The run's result: JSON with --json, else a few lines of text.
    static func result(engine: Engine, state: RunState, json: Bool) async -> String {
        let result = SearchResult(snapshot: await engine.snapshot(), space: engine.space, state: state)
        return json ? result.json.rendered(pretty: true) : result.text
    }
}
