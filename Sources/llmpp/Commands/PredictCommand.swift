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
    @Option(
        help:
            "Predict only the first N test architectures of each split (a calibrating provider still asks the split's leave-one-out answers: --calibrate none skips them)."
    ) var limit: Int?
    @Option(
        help:
            "Score the predictions against this truth metric (default: valid where the space has it, else its only metric)."
    ) var metric: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        // 99 was clamped to 6 in silence.
        if let s = ablationStep, !(0...6).contains(s) {
            throw ValidationError("--ablation-step must be in 0...6, got \(s)")
        }
        if let n = limit, n < 1 { throw ValidationError("--limit must be >= 1, got \(n)") }
    }

    func run() async throws {
        let job = try resolveJob()
        let store = try common.openStore()
        let provider = try await llm.makeProvider(common: common)
        let pricing = try Pricing.load(dataDirectory: common.resolvedDataDirectory)
        let run = newRunID("predict")
        let builder = PromptBuilder(space: job.space, template: job.template, options: job.options)
        let predictor = LLMPredictor(
            provider: provider, store: store, run: run, builder: builder,
            settings: llm.settings, budget: Budget(llm.limits), pricing: pricing)
        announce(run: run, provider: provider, options: job.options, predictor: predictor)
        let outcome = try await predictSplits(job, predictor, range: builder.range, timeout: provider.requestTimeout)
        await provider.shutdown()

        let report = PredictionReport(
            job: job, outcome: outcome, run: run, provider: provider, settings: llm.settings,
            walking: predictor.walking,
            quality: try quality(job, outcome, llmName: llmRowName(provider.displayName, outcome)))
        print(json ? try report.json().rendered(pretty: true) : report.text())
        try exitIfFailed(outcome.failed.count, of: outcome.rows.count)
    }

    /// The space, prompt, splits and metrics the flags name, checked before anything is asked.
    func resolveJob() throws -> PredictionJob {
        let s = try common.loadSpace(space)
        guard let labelled = s.labelled else {
            throw CLIError("space '\(space)' has no labelled architectures to predict")
        }
        let template = try PromptTemplate.load(space: s)
        let options = try promptFlags.resolve(
            parts: try ablationStep.map(PromptOptions.ladder) ?? PromptOptions.parse(instructions),
            template: template)
        let rowCount = s.tables[labelled.table].architectures.count
        let splits = try (splitSeed == "all" ? labelled.allSplitSeeds : [splitSeed]).map { seed -> Split in
            guard let sp = labelled.resolveSplit(seed, rowCount: rowCount) else {
                throw CLIError(
                    "no split seed '\(seed)' in \(s.id) (has: \(labelled.splits.map(\.seed).joined(separator: ", ")))")
            }
            return sp
        }
        let metric = metric ?? labelled.defaultMetric
        let demoMetric = template.settings.demonstration_metric
        guard let demoTruth = labelled.truth[demoMetric], labelled.truth[metric] != nil else {
            throw CLIError(
                "\(s.id) has no truth metric '\(labelled.truth[demoMetric] == nil ? demoMetric : metric)' (has: \(labelled.metrics.joined(separator: ", ")))"
            )
        }
        return PredictionJob(
            space: s, labelled: labelled, template: template, options: options, splits: splits, metric: metric,
            demoTruth: demoTruth)
    }

    /// The run, the provider, the prompt and the decoding on stderr; a note where a distribution
    /// was asked of a provider that cannot walk one.
    func announce(run: String, provider: any LLMProvider, options: PromptOptions, predictor: LLMPredictor) {
        let decodeText = llm.settings.decodeSummary(walking: predictor.walking)
        StandardError.line("run \(run): \(provider.displayName), prompt: \(options.fullSummary), decode: \(decodeText)")
        if llm.settings.decode == .distribution && !predictor.walking && llm.samples < 2 {
            StandardError.line(
                "note: \(provider.name) reports no next-token probabilities: the distribution is that of --samples k answers (k = 1 gives none)"
            )
        }
    }

    /// Each split's test architectures, then (calibrating) its leave-one-out answers; stops
    /// after the split where the budget ran out.
    func predictSplits(
        _ job: PredictionJob, _ predictor: LLMPredictor, range: ClosedRange<Double>, timeout: Double?
    ) async throws -> PredictionOutcome {
        var outcome = PredictionOutcome()
        for sp in job.splits {
            let demos = try job.space.demonstrations(sp, truth: job.demoTruth)
            let tests = Array(sp.test.prefix(limit ?? sp.test.count))
            var results = await askTogether(
                predictor, tests.map { (job.table.architectures[$0], demos) }, purpose: "predict",
                progress: "split \(sp.seed): predicting \(tests.count) architectures", timeout: timeout)
            var exhausted = results.contains { $0.budgetExhausted }
            if llm.settings.calibration != .none && !exhausted {
                let split = await calibrate(sp.seed, demos, predictor, timeout: timeout)
                exhausted = split.exhausted
                outcome.calibrations.append(split.calibration)
                outcome.calibrationCached += split.cached
                results = results.map { $0.calibrated(split.calibration.calibration, range: range) }
            }
            outcome.rows += zip(tests, results).map { PredictionOutcome.Row(seed: sp.seed, row: $0, prediction: $1) }
            if exhausted {
                outcome.stoppedForBudget = true
                break
            }
        }
        return outcome
    }

    /// The LLM's answer for each demonstration from the other nine, in the prompt's options,
    /// and the split's correction computed from them.
    func calibrate(_ seed: String, _ demos: [(Architecture, Double)], _ predictor: LLMPredictor, timeout: Double?)
        async -> (calibration: SplitCalibration, cached: Int, exhausted: Bool)
    {
        let loo = await askTogether(
            predictor, demos.indices.map { LeaveOneOutCalibration.leaveOut($0, of: demos) }, purpose: "calibration",
            progress: "split \(seed): calibrating on \(demos.count) demonstrations (leave one out)", timeout: timeout)
        let c = LeaveOneOutCalibration(
            method: llm.settings.calibration, answers: loo.map(\.value), truths: demos.map(\.1))
        return (
            SplitCalibration(seed: seed, calibration: c, answers: loo.map(\.value)),
            loo.reduce(0) { $0 + $1.cachedSamples }, loo.contains(where: \.budgetExhausted)
        )
    }

    /// "LLM-PP (local qwen…, shift-calibrated)": the calibration named only where one was applied.
    func llmRowName(_ display: String, _ outcome: PredictionOutcome) -> String {
        "LLM-PP (\(display)" + (outcome.calibrated ? ", \(llm.settings.calibration.rawValue)-calibrated" : "") + ")"
    }

    /// Quality per metric: LLM-PP over the seeds answered next to the baselines on the same
    /// seeds (none with --limit: they would be scored on other architectures).
    func quality(_ job: PredictionJob, _ outcome: PredictionOutcome, llmName: String) throws -> [String:
        [PredictorQuality]]
    {
        var quality: [String: [PredictorQuality]] = [:]
        for m in job.labelled.metrics {
            let llmq = PredictorQuality(
                name: llmName,
                perSeed: try outcome.seedsDone.map { seed in
                    let rs = outcome.rows.filter { $0.seed == seed && $0.prediction.value != nil }
                    let p = rs.map { $0.prediction.value! }
                    let t = try rs.map { try job.truth(m, $0.row) }
                    return (seed, p.isEmpty ? nil : Metrics.mae(p, t), p.count < 2 ? nil : Metrics.kendallTau(p, t))
                })
            let others =
                limit != nil ? [] : try BaselineReport.compute(space: job.space, metric: m, seeds: outcome.seedsDone)
            quality[m] = [llmq] + others
        }
        return quality
    }

    /// Predictions of several architectures, each from its demonstrations, in order, with a
    /// progress line (`LLMPredictor.predictAll` says why they go out together).
    func askTogether(
        _ predictor: LLMPredictor, _ asks: [LLMPredictor.Ask], purpose: String,
        progress title: String, timeout: Double?
    ) async -> [Prediction] {
        let progress = Progress(title, waitingFor: "the LLM", timeout: timeout, retried: true)
        progress.update(0, of: asks.count)
        // A retry's back-off (a 429's Retry-After) is said on the waiting line.
        await predictor.setEventHandler { if case .retrying(_, let because) = $0 { progress.noteRetry(because) } }
        return await predictor.predictAll(asks, purpose: purpose) {
            progress.update($0, of: asks.count, fromCache: $1)
        }
    }

    /// Any failed prediction makes the command fail (scripts must not take a partial table for a whole one).
    func exitIfFailed(_ failed: Int, of total: Int) throws {
        guard failed > 0 else { return }
        StandardError.line("error: \(failed) of \(total) predictions failed (see the note column or 'llmpp calls')")
        throw ExitCode(1)
    }
}
