import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPStore

struct DistillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract:
            "LLM-Distill-PP alone: label architectures with LLM-PP and train the student; report its quality next to its teacher's."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var llm: ProviderOptions
    @OptionGroup var run: RunOptions
    @Option(help: "Continue this run.") var resume: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let engine = try await common.engine(resume: resume, run: run, llm: llm) { c in
            c.evolution.iterations = 1
            c.switchAt = 1
            c.evaluateLLM = true
        }
        let state = try await HeadlessRun.drive(engine, label: "distill", folders: common.namedFolders)
        let q = try await engine.predictorQuality()
        if json {
            print(
                JSONValue.object([
                    ("run", .string(engine.runID)), ("space", .string(engine.space.id)),
                    ("labels", .number(Double(state.labelsDone - state.labelsFailed))),
                    ("loss_curve", .array(state.lossCurve.map { .number($0) })),
                    ("quality", .object(q.map { m, list in (m, .array(list.map(\.json))) })),
                ]).rendered(pretty: true))
            return
        }
        print(
            "run \(engine.runID): \(state.labelsDone - state.labelsFailed) labels, student trained \(state.trainingStep) steps, final loss \(fmt(state.lossCurve.last, 4))"
        )
        for (m, list) in q {
            print("\n\(m) \(engine.space.task.metric)")
            var t = TextTable(header: ["predictor", "MAE", "Kendall"])
            for p in list { t.rows.append([p.name, fmt(p.maeMean), fmt(p.kendallMean)]) }
            print(t.render())
        }
    }
}
