import Foundation
import LLMPPCore
import LLMPPLLM

/// Everything that defines a run. Persisted with it; the steerable parts (switch point,
/// constraint, mutation probability, population sizes) change mid-run and are saved again.
public struct RunConfig: Sendable, Codable, Equatable {
    public var space: String
    public var provider: String = "local"
    public var model: String? = nil
    public var replayFile: String? = nil
    public var prediction = PredictionSettings()
    public var prompt = PromptOptions.full
    /// The split whose 10 demonstrations every LLM-PP prompt uses.
    public var splitSeed: String = "123"
    /// Phase 1: predict the split's test architectures with LLM-PP first.
    public var evaluateLLM = false
    /// Phase 2: architectures the LLM labels (0: no distillation; then the switch must be 0).
    public var labels: Int = 3000
    /// Pool to label from ("unlabeled" for HAT, "all" for NB201); nil: the space's first pool, else fresh samples.
    public var labelPool: String? = nil
    /// Seed of the choice of architectures to label (nil: the run's seed). Runs that share it,
    /// the split and the training settings share their labels and their student.
    public var labelSeed: UInt64? = nil
    public var training = TrainingConfig()
    public var trainingChunk: Int = 250
    public var evolution = EvolutionConfig()
    /// Generations before this one are scored by LLM-Distill-PP, the rest by the expensive evaluator.
    public var switchAt: Int = 15
    public var constraint = Constraint()
    public var evaluator = EvaluatorSpec()
    public var seed: UInt64 = 0
    public var maxCalls: Int? = nil
    public var maxTokens: Int? = nil
    public var maxCostUSD: Double? = nil
    /// The anytime schedule's settings; nil: the paper's sequential schedule. (Optional so
    /// that runs saved before it existed still load.)
    public var anytime: AnytimeSchedule? = nil
    /// Expensive evaluations sleep their recorded cost divided by this, so that a demo shows
    /// generations after the switch costing time (nil: no pacing).
    public var pace: Double? = nil
    /// Pause when the switch point is reached (demos).
    public var pauseAtSwitch: Bool? = nil

    public var schedule: Schedule { anytime == nil ? .paper : .anytime }

    /// Steps of the training before the search: the paper's, or the anytime warm-up's.
    public var firstTrainingSteps: Int { anytime?.warmupSteps ?? training.steps }

    public init(space: String) { self.space = space }

    public struct Constraint: Sendable, Codable, Equatable {
        public var latencyMs: Double? = nil
        public var hardware: String? = nil
        public var gflops: Double? = nil
        public init(latencyMs: Double? = nil, hardware: String? = nil, gflops: Double? = nil) {
            self.latencyMs = latencyMs
            self.hardware = hardware
            self.gflops = gflops
        }
        /// No latency and no GFLOPs limit: the run searches unconstrained.
        public var isNone: Bool { latencyMs == nil && gflops == nil }

        public var summary: String {
            var parts: [String] = []
            if let l = latencyMs {
                parts.append("latency <= \(Self.significant(l)) ms" + (hardware.map { " on \($0)" } ?? ""))
            }
            if let g = gflops { parts.append("GFLOPs <= \(Self.significant(g))") }
            return parts.isEmpty ? "none" : parts.joined(separator: ", ")
        }

        /// The same in a few characters, for a crowded header: "<=20 ms raspi4".
        public var shortSummary: String {
            var parts: [String] = []
            if let l = latencyMs { parts.append("<=\(Self.significant(l)) ms" + (hardware.map { " \($0)" } ?? "")) }
            if let g = gflops { parts.append("<=\(Self.significant(g)) GFLOPs") }
            return parts.isEmpty ? "none" : parts.joined(separator: ", ")
        }

        /// Four significant digits, no trailing zeros: 0.055 stays 0.055 (it was shown as 0.06).
        static func significant(_ v: Double) -> String {
            guard v.isFinite, v != 0 else { return "\(v)" }
            let digits = max(0, 3 - Int(floor(log10(abs(v)))))
            var s = String(format: "%.\(digits)f", v)
            if s.contains(".") {
                while s.hasSuffix("0") { s.removeLast() }
                if s.hasSuffix(".") { s.removeLast() }
            }
            return s
        }
    }

    public struct EvaluatorSpec: Sendable, Codable, Equatable {
        /// "builtin" (NB201: 12-epoch table; HAT: surrogate of a baseline) or "external".
        public var kind: String = "builtin"
        public var command: String? = nil
        /// HAT built-in surrogate: which baseline's published scores it is fitted to.
        public var baseline: String = "Neuron-wise MoS"
        public var timeout: Double = 3600
        /// Provider keys passed through to the external command (`--evaluator-env`).
        public var passEnvironment: [String] = []
        public init(
            kind: String = "builtin", command: String? = nil, baseline: String = "Neuron-wise MoS",
            timeout: Double = 3600, passEnvironment: [String] = []
        ) {
            self.kind = kind
            self.command = command
            self.baseline = baseline
            self.timeout = timeout
            self.passEnvironment = passEnvironment
        }

        enum CodingKeys: String, CodingKey { case kind, command, baseline, timeout, passEnvironment }

        /// Runs saved before `passEnvironment` existed decode with none.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decode(String.self, forKey: .kind)
            command = try c.decodeIfPresent(String.self, forKey: .command)
            baseline = try c.decode(String.self, forKey: .baseline)
            timeout = try c.decode(Double.self, forKey: .timeout)
            passEnvironment = try c.decodeIfPresent([String].self, forKey: .passEnvironment) ?? []
        }
    }

    /// Bounds of the settings a user types: far above the paper's, low enough that a typo
    /// (three zeros too many, a minus sign) is an error instead of gigabytes of memory, days
    /// of work or thousands of paid calls.
    public enum Bounds {
        public static let iterations = 1...10_000
        public static let population = 1...10_000
        public static let labels = 0...1_000_000
        public static let trainSteps = 1...10_000_000
        public static let trainBatch = 1...65_536
        /// Adam's step size: above 1 every student diverges.
        public static let maxLearningRate = 1.0
    }

    public var problem: String? {
        // The schedule's own settings first: the label budget is derived from them.
        if let p = anytime?.problem { return p }
        if let p = boundsProblem { return p }
        if let p = evolution.problem { return p }
        if switchAt < 0 || switchAt > evolution.iterations {
            return "--switch-at must be in 0...\(evolution.iterations) (the iterations), got \(switchAt)"
        }
        if labels == 0 && switchAt > 0 { return "without labels there is no LLM-Distill-PP: set the switch point to 0" }
        if evaluator.kind == "external" && (evaluator.command ?? "").isEmpty {
            return "the external evaluator needs a command"
        }
        if !["builtin", "external"].contains(evaluator.kind) { return "evaluator must be builtin or external" }
        if trainingChunk < 1 { return "training chunk must be >= 1" }
        if let p = pace, !(p > 0 && p.isFinite) { return "the pace must be a positive number (e.g. 1000 for 1000x)" }
        return nil
    }

    /// Each user-set number against its bounds, named by its command-line option.
    private var boundsProblem: String? {
        func outside(_ option: String, _ v: Int, _ r: ClosedRange<Int>) -> String? {
            r.contains(v) ? nil : "\(option) must be in \(r.lowerBound)...\(r.upperBound), got \(v)"
        }
        func notPositive(_ option: String, _ v: Double?, max: Double = .greatestFiniteMagnitude) -> String? {
            guard let v, !(v.isFinite && v > 0 && v <= max) else { return nil }
            let range = max < .greatestFiniteMagnitude ? "a number in (0, \(max)]" : "a finite number above 0"
            return "\(option) must be \(range), got \(v)"
        }
        let problems: [String?] = [
            outside("--iterations", evolution.iterations, Bounds.iterations),
            outside("--population", evolution.population, Bounds.population),
            outside("--labels", labels, Bounds.labels),
            outside("--train-steps", training.steps, Bounds.trainSteps),
            outside("--train-batch", training.batchSize, Bounds.trainBatch),
            notPositive("--train-lr", training.learningRate, max: Bounds.maxLearningRate),
            notPositive("--latency-ms", constraint.latencyMs),
            notPositive("--gflops", constraint.gflops),
            notPositive("--evaluator-timeout", evaluator.timeout),
            notPositive("--llm-timeout", prediction.timeout),
            evolution.mutationProbability.isNaN ? "--mutation-prob must be in 0...1, got nan" : nil,
        ]
        return problems.lazy.compactMap { $0 }.first
    }
}

extension RunConfig {
    /// The labels a run asks for: its pool targets (the budget, or fewer where the pool has
    /// fewer), and for an anytime run only those until its switch, so a switch moved earlier
    /// needs fewer (the bar stayed at 32/72 and never read "trained").
    public func labelGoal(poolTargets: Int) -> Int {
        guard let a = anytime else { return poolTargets }
        return min(poolTargets, a.labels(forGeneration: switchAt - 1, budget: labels))
    }
}
