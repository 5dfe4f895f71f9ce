import Foundation
import LLMPPCore
import LLMPPLLM

/// The paper's predictor-quality table and its instruction-ablation ladder, each cell an
/// engine run on one split: LLM-PP on the split's test architectures, then (with labels)
/// LLM-Distill-PP distilled from it, beside the baselines and references of the same split.
public enum PredictorStudy {
    public struct Table: Sendable {
        public var space: String
        /// Per truth metric (valid, test), the predictors over the seeds.
        public var metrics: [(metric: String, rows: [PredictorQuality])]
        public var llmCalls: Int
        public var cachedAnswers: Int
    }

    /// One run per split seed; rows of the same name are merged over the seeds.
    public static func table(
        space: String, seeds: [String], labels: Int, base: RunConfig, environment env: EngineEnvironment,
        runPrefix: String, progress: @escaping @Sendable (String) -> Void
    ) async throws -> Table {
        var merged: [String: [(String, [PredictorQuality])]] = [:]
        var order: [String] = []
        var calls = 0
        var cached = 0
        for seed in seeds {
            for decode in decodes(base) {
                var c = cell(base, space: space, seed: seed, labels: labels)
                c.labelSeed = c.labelSeed ?? 0
                let greedyCopy = decode != base.prediction.decode
                if greedyCopy {
                    // One answer at temperature 0: the answer as the model writes it.
                    c.prediction.decode = .greedy
                    c.prediction.samples = 1
                    c.prediction.temperature = nil
                }
                progress(
                    "\(space) split \(seed): LLM-PP on the test architectures"
                        + (labels > 0 ? ", \(labels) labels, LLM-Distill-PP" : "")
                        + (greedyCopy ? " (again with greedy answers)" : ""))
                let (engine, state) = try await StudyRun.run(
                    config: c, environment: env,
                    runID: "\(runPrefix)-\(space)-s\(seed)" + (greedyCopy ? "-greedy" : ""), progress: progress)
                calls += state.counters.llmCalls
                cached += state.counters.cachedAnswers
                let provider = await engine.snapshot().providerName
                // The calibration the run applied (none where too few left-out answers came back).
                let calibration = await engine.llmppCalibration?.method ?? .none
                for (metric, rows) in try await engine.predictorQuality() {
                    if merged[metric] == nil { order.append(metric) }
                    merged[metric, default: []].append(
                        (
                            seed,
                            renamed(
                                rows, provider: provider, labels: labels, greedyCopy: greedyCopy,
                                calibration: calibration)
                        ))
                }
            }
        }
        return Table(
            space: space, metrics: order.map { ($0, mergeSeeds(merged[$0]!.map(\.1))) }, llmCalls: calls,
            cachedAnswers: cached)
    }

    /// The decodings each split runs: the base's, and where that is not greedy a greedy copy
    /// too, so the table shows what the distribution adds to LLM-PP and to LLM-Distill-PP
    /// trained on the same number of labels (the same architectures, drawn by the same seed).
    static func decodes(_ base: RunConfig) -> [PredictionSettings.Decode] {
        base.prediction.decode == .greedy ? [.greedy] : [base.prediction.decode, .greedy]
    }

    /// A split's rows under the table's names; a greedy copy contributes only its two LLM rows
    /// (its baselines and references are the base run's).
    static func renamed(
        _ rows: [PredictorQuality], provider: String, labels: Int, greedyCopy: Bool,
        calibration: LeaveOneOutCalibration.Method = .none
    ) -> [PredictorQuality] {
        let calibrated = calibration == .none ? "" : ", \(calibration.rawValue)-calibrated"
        let tag = (greedyCopy ? ", greedy" : "") + calibrated
        return rows.compactMap { q in
            switch q.name {
            case let name where name.hasPrefix("LLM-PP"):
                return PredictorQuality(name: "LLM-PP (\(provider)\(tag))", perSeed: q.perSeed)
            case let name where name.hasPrefix("LLM-Distill-PP"):
                return PredictorQuality(
                    name: "LLM-Distill-PP (\(labels)\(greedyCopy ? " greedy" : "") labels\(calibrated))",
                    perSeed: q.perSeed)
            default: return greedyCopy ? nil : q
            }
        }
    }

    /// A run that predicts one split's test architectures with LLM-PP (and distils from
    /// `labels` LLM labels); its search is one small unconstrained generation, only there
    /// because a run ends with one.
    static func cell(_ base: RunConfig, space: String, seed: String, labels: Int) -> RunConfig {
        var c = base
        c.space = space
        c.splitSeed = seed
        c.evaluateLLM = true
        c.labels = labels
        c.switchAt = labels > 0 ? 1 : 0
        c.evolution = EvolutionConfig.scaled(population: 10, iterations: 1)
        c.constraint = .init()
        return c
    }

    /// Rows of the same name across seeds become one row with every seed's figures.
    static func mergeSeeds(_ perSeed: [[PredictorQuality]]) -> [PredictorQuality] {
        var names: [String] = []
        var seeds: [String: [(seed: String, mae: Double?, kendall: Double?)]] = [:]
        for list in perSeed {
            for q in list {
                if seeds[q.name] == nil { names.append(q.name) }
                seeds[q.name, default: []] += q.perSeed
            }
        }
        return names.map { PredictorQuality(name: $0, perSeed: seeds[$0]!) }
    }

    public struct LadderStep: Sendable {
        public var step: Int
        public var name: String
        /// LLM-PP on the demonstration metric, over the seeds.
        public var quality: PredictorQuality
    }

    /// LLM-PP with the prompt's parts switched on one by one (the paper's Table 4).
    public static func ablation(
        space: String, seeds: [String], metric: String, base: RunConfig, environment env: EngineEnvironment,
        runPrefix: String, progress: @escaping @Sendable (String) -> Void
    ) async throws -> [LadderStep] {
        var out: [LadderStep] = []
        for step in 0...6 {
            var per: [(seed: String, mae: Double?, kendall: Double?)] = []
            for seed in seeds {
                var c = cell(base, space: space, seed: seed, labels: 0)
                c.prompt = PromptOptions.ladder(step)
                c.prompt.encoding = base.prompt.encoding
                c.prompt.efficiency = base.prompt.efficiency
                c.prompt.demoOrder = base.prompt.demoOrder
                progress("ablation step \(step) (\(PromptOptions.ladderNames[step])), split \(seed)")
                let (engine, _) = try await StudyRun.run(
                    config: c, environment: env, runID: "\(runPrefix)-ablation\(step)-s\(seed)", progress: progress)
                let q = try await engine.predictorQuality().first { $0.0 == metric }?.1.first {
                    $0.name.hasPrefix("LLM-PP")
                }
                per += q?.perSeed ?? [(seed, nil, nil)]
            }
            out.append(
                LadderStep(
                    step: step, name: PromptOptions.ladderNames[step],
                    quality: PredictorQuality(name: "LLM-PP", perSeed: per)))
        }
        return out
    }
}
