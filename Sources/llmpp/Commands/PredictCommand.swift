import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "LLM-PP: predict the test architectures' scores with an LLM and compare with the baselines.",
        discussion: """
            Demonstrations are the split's 10 training architectures with their validation score; the 20 test
            architectures are predicted and compared with trained-from-scratch truth (valid and test). Answers are
            cached in the data directory's database: a rerun pays for nothing it already asked.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var llm: ProviderOptions
    @Option(help: "Space id.") var space: String
    @Option(
        name: .customLong("split-seed"), help: "123, 456, 789 or all (NAS-Bench-201: any integer seed draws 10 + 20).")
    var splitSeed: String = "all"
    @Option(
        help:
            "Prompt parts: all, none, or a list of role, definitions, dataset, examples, backbone, efficiency, concentrate."
    )
    var instructions: String = "all"
    @Option(
        name: .customLong("ablation-step"), help: "The paper's ladder instead: 0 demonstrations only ... 6 everything.")
    var ablationStep: Int?
    @OptionGroup var promptFlags: PromptFlags
    @Option(help: "Predict only the first N test architectures of each split.") var limit: Int?
    @Option(
        help:
            "Score the predictions against this truth metric (default: valid where the space has it, else its only metric)."
    ) var metric: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let s = try common.loadSpace(space)
        guard let labelled = s.labelled else {
            throw CLIError("space '\(space)' has no labelled architectures to predict")
        }
        let template = try PromptTemplate.load(space: s)
        let options = try promptFlags.resolve(
            parts: try ablationStep.map(PromptOptions.ladder) ?? PromptOptions.parse(instructions),
            template: template)
        let table = s.tables[labelled.table]
        let metric = metric ?? labelled.defaultMetric
        let seeds =
            splitSeed == "all"
            ? labelled.allSplitSeeds : [splitSeed]
        let splits = try seeds.map { seed -> Split in
            guard let sp = labelled.resolveSplit(seed, rowCount: table.architectures.count) else {
                throw CLIError(
                    "no split seed '\(seed)' in \(s.id) (has: \(labelled.splits.map(\.seed).joined(separator: ", ")))")
            }
            return sp
        }
        let demoMetric = template.settings.demonstration_metric
        guard let demoTruth = labelled.truth[demoMetric], labelled.truth[metric] != nil else {
            throw CLIError(
                "\(s.id) has no truth metric '\(labelled.truth[demoMetric] == nil ? demoMetric : metric)' (has: \(labelled.metrics.joined(separator: ", ")))"
            )
        }
        func truth(_ m: String, _ row: Int) throws -> Double {
            try s.evaluate(labelled.truth[m]!, table.architectures[row], row: (labelled.table, row))
        }

        let store = try common.openStore()
        let provider = try await llm.makeProvider(common: common)
        let pricing = try Pricing.load(dataDirectory: common.resolvedDataDirectory)
        let run = newRunID("predict")
        let builder = PromptBuilder(space: s, template: template, options: options)
        let predictor = LLMPredictor(
            provider: provider, store: store, run: run, builder: builder,
            settings: llm.settings, budget: Budget(llm.limits), pricing: pricing)
        let decodeText = llm.settings.decodeSummary(walking: predictor.walking)
        FileHandle.standardError.write(
            Data("run \(run): \(provider.displayName), prompt: \(options.fullSummary), decode: \(decodeText)\n".utf8))
        if llm.settings.decode == .distribution && !predictor.walking && llm.samples < 2 {
            FileHandle.standardError.write(
                Data(
                    "note: \(provider.name) reports no next-token probabilities: the distribution is that of --samples k answers (k = 1 gives none)\n"
                        .utf8))
        }

        struct Row {
            var seed: String
            var row: Int
            var prediction: Prediction
        }
        var rows: [Row] = []
        var stoppedForBudget = false
        var calibrations: [SplitCalibration] = []
        var calibrationCached = 0
        for sp in splits {
            let demos = try s.demonstrations(sp, truth: demoTruth)
            let tests = Array(sp.test.prefix(limit ?? sp.test.count))
            let results = await askTogether(
                predictor, tests.map { (table.architectures[$0], demos) }, purpose: "predict",
                progress: "split \(sp.seed): predicting \(tests.count) architectures", timeout: provider.requestTimeout)
            var byRow = Dictionary(zip(tests, results), uniquingKeysWith: { a, _ in a })
            var exhausted = results.contains { $0.budgetExhausted }
            if llm.settings.calibration != .none && !exhausted {
                // The LLM's answer for each demonstration from the other nine, in the prompt's options.
                let loo = await askTogether(
                    predictor, demos.indices.map { LeaveOneOutCalibration.leaveOut($0, of: demos) },
                    purpose: "calibration",
                    progress: "split \(sp.seed): calibrating on \(demos.count) demonstrations (leave one out)",
                    timeout: provider.requestTimeout)
                exhausted = loo.contains(where: \.budgetExhausted)
                let c = LeaveOneOutCalibration(
                    method: llm.settings.calibration, answers: loo.map(\.value), truths: demos.map(\.1))
                calibrations.append(SplitCalibration(seed: sp.seed, calibration: c, answers: loo.map(\.value)))
                calibrationCached += loo.reduce(0) { $0 + $1.cachedSamples }
                for (r, p) in byRow { byRow[r] = p.calibrated(c, range: builder.range) }
            }
            for r in tests { rows.append(Row(seed: sp.seed, row: r, prediction: byRow[r]!)) }
            if exhausted {
                stoppedForBudget = true
                break
            }
        }
        await provider.shutdown()

        // Quality per metric: LLM-PP over the seeds next to the baselines on the same seeds.
        let seedsDone = Array(Set(rows.map(\.seed))).sorted()
        var quality: [String: [PredictorQuality]] = [:]
        for m in labelled.metrics {
            let llmq = PredictorQuality(
                name: "LLM-PP (\(provider.displayName)"
                    + (calibrations.contains { $0.calibration.method != .none }
                        ? ", \(llm.settings.calibration.rawValue)-calibrated" : "") + ")",
                perSeed: try seedsDone.map { seed in
                    let rs = rows.filter { $0.seed == seed && $0.prediction.value != nil }
                    let p = rs.map { $0.prediction.value! }
                    let t = try rs.map { try truth(m, $0.row) }
                    return (seed, p.isEmpty ? nil : Metrics.mae(p, t), p.count < 2 ? nil : Metrics.kendallTau(p, t))
                })
            let others = limit != nil ? [] : try BaselineReport.compute(space: s, metric: m, seeds: seedsDone)
            quality[m] = [llmq] + others
        }
        let failed = rows.filter { $0.prediction.value == nil }
        let cached = rows.reduce(calibrationCached) { $0 + $1.prediction.cachedSamples }

        if json {
            let q = quality[metric]![0]
            print(
                JSONValue.object([
                    ("space", .string(s.id)), ("provider", .string(provider.name)), ("model", .string(provider.model)),
                    ("display", .string(provider.displayName)), ("run", .string(run)),
                    ("split_seeds", .array(seedsDone.map { .string($0) })), ("metric", .string(metric)),
                    ("prompt", .string(options.summary)), ("samples", .number(Double(llm.samples))),
                    ("decode", .string(llm.settings.decode.rawValue)), ("decode_detail", .string(decodeText)),
                    (
                        "prompt_options",
                        .object([
                            ("parts", .string(options.summary)),
                            ("efficiency", .string(EfficiencyLine.text(options.efficiency))),
                            ("demo_order", .string(options.demoOrder.rawValue)),
                            ("encoding", .string(options.encoding.rawValue)),
                        ])
                    ),
                    (
                        "calibration",
                        .object([
                            ("method", .string(llm.settings.calibration.rawValue)),
                            ("splits", .array(calibrations.map(\.json))),
                        ])
                    ),
                    ("mae", .number(q.maeMean)), ("kendall", .number(q.kendallMean)),
                    ("failed", .number(Double(failed.count))), ("cached_samples", .number(Double(cached))),
                    ("budget_exhausted", .bool(stoppedForBudget)),
                    (
                        "predictions",
                        .array(
                            try rows.map { r in
                                .object([
                                    ("split_seed", .string(r.seed)), ("arch_id", .string(labelled.ids[r.row])),
                                    ("id", .string(s.id(table.architectures[r.row]))),
                                    ("truth", .number(try truth(metric, r.row))),
                                    ("predicted", .number(r.prediction.value)),
                                    ("uncalibrated", .number(r.prediction.uncalibrated)),
                                    ("samples", .array(r.prediction.samples.map { .number($0) })),
                                    (
                                        "greedy",
                                        .number(
                                            r.prediction.distribution?.greedy
                                                ?? (predictor.walking ? nil : r.prediction.samples.first))
                                    ),
                                    (
                                        "distribution",
                                        r.prediction.distribution.map { d in
                                            .array(
                                                d.points.map { .array([.number($0.value), .number($0.probability)]) })
                                        } ?? .null
                                    ),
                                    (
                                        "interval",
                                        r.prediction.distribution.map { d in
                                            .array([.number(d.interval.low), .number(d.interval.high)])
                                        } ?? .null
                                    ),
                                    ("call_ids", .array(r.prediction.callIDs.map { .number(Double($0)) })),
                                    ("error", .string(r.prediction.error)),
                                ])
                            })
                    ),
                    ("quality", .object(quality.keys.sorted().map { m in (m, .array(quality[m]!.map(\.json))) })),
                ]).rendered(pretty: true))
            try exitIfFailed(failed.count, of: rows.count)
            return
        }
        var t = TextTable(header: ["seed", "arch", "id", "valid", "test", "predicted", "10-90%", "calls", "note"])
        for r in rows {
            let p = r.prediction
            t.rows.append([
                r.seed, labelled.ids[r.row], s.id(table.architectures[r.row]),
                fmt(labelled.truth["valid"].map { _ in try? truth("valid", r.row) } ?? nil),
                fmt(labelled.truth["test"].map { _ in try? truth("test", r.row) } ?? nil),
                fmt(p.value), p.distribution.map { "\(fmt($0.interval.low))-\(fmt($0.interval.high))" } ?? "",
                p.callIDs.map(String.init).joined(separator: ","),
                p.error
                    ?? ([p.uncalibrated.map { "LLM said \(fmt($0))" }, p.cachedSamples > 0 ? "cached" : nil]
                        .compactMap { $0 }.joined(separator: ", ")),
            ])
        }
        print(t.render())
        for m in labelled.metrics {
            print("\n\(m) \(s.task.metric) (mean ± std over seeds \(seedsDone.joined(separator: ", ")))")
            var qt = TextTable(header: ["predictor", "MAE", "Kendall"])
            for p in quality[m]! {
                qt.rows.append([
                    p.name, p.maeMean == nil ? "-" : "\(fmt(p.maeMean)) ± \(fmt(p.maeStd))",
                    p.kendallMean == nil ? "-" : "\(fmt(p.kendallMean)) ± \(fmt(p.kendallStd))",
                ])
            }
            print(qt.render())
        }
        if !calibrations.isEmpty { print("\n" + calibrations.map(\.summary).joined(separator: "\n")) }
        print(
            "\n\(rows.count) predictions\(SplitCalibration.answersSummary(calibrations)), \(failed.count) failed, \(cached) answered from the cache; run \(run)"
                + (stoppedForBudget ? "; stopped: budget exhausted" : ""))
        try exitIfFailed(failed.count, of: rows.count)
    }

    /// Predictions of several architectures, each from its demonstrations, in order, with a
    /// progress line (`LLMPredictor.predictAll` says why they go out together).
    func askTogether(
        _ predictor: LLMPredictor, _ asks: [LLMPredictor.Ask], purpose: String,
        progress title: String, timeout: Double?
    ) async -> [Prediction] {
        let progress = Progress(title, waitingFor: "the LLM", timeout: timeout, retried: true)
        progress.update(0, of: asks.count)
        return await predictor.predictAll(asks, purpose: purpose) { progress.update($0, of: asks.count) }
    }

    /// Any failed prediction makes the command fail (scripts must not take a partial table for a whole one).
    func exitIfFailed(_ failed: Int, of total: Int) throws {
        guard failed > 0 else { return }
        FileHandle.standardError.write(
            Data("error: \(failed) of \(total) predictions failed (see the note column or 'llmpp calls')\n".utf8))
        throw ExitCode(1)
    }
}
