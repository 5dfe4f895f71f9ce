import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPStore

/// Options shared by `search`, `distill` and `explore`: what a run is made of. Numbers are
/// parsed `.unconditional`ly, so that `--population -5` reaches the bounds check ("must be
/// in 1...10000, got -5") instead of ArgumentParser's "Missing value".
struct RunOptions: ParsableArguments {
    @Option(help: "Space id.") var space: String?
    @Option(
        name: .customLong("switch-at"), parsing: .unconditional,
        help:
            "Generations scored by LLM-Distill-PP before the expensive evaluator takes over (0 = HAT only, = iterations: distill only; default: half the iterations, 15 of 30 as in the paper)."
    )
    var switchAt: Int?
    @Option(parsing: .unconditional, help: "Evolution iterations (\(RunConfig.Bounds.iterations)).") var iterations:
        Int = 30
    @Option(
        parsing: .unconditional,
        help:
            "Population size (\(RunConfig.Bounds.population); HAT's proportions: 1/5 parents, 2/5 mutations, 2/5 crossovers)."
    )
    var population: Int = 125
    @Option(
        name: .customLong("mutation-prob"), parsing: .unconditional,
        help: "Probability of resampling each gene in a mutation.") var mutationProb: Double = 0.3
    @Option(
        name: .customLong("latency-ms"), parsing: .unconditional, help: "Latency constraint in ms (with --hardware).")
    var latencyMs: Double?
    @Option(help: "Hardware of the latency constraint and of the latencies shown.") var hardware: String?
    @Option(parsing: .unconditional, help: "GFLOPs constraint.") var gflops: Double?
    @Option(
        parsing: .unconditional,
        help:
            "Architectures the LLM labels for LLM-Distill-PP (0: no distillation; at most the label pool; default: paper 3000, anytime warm-up + per-generation labels up to the switch)."
    )
    var labels: Int?
    @Option(
        help:
            "paper: label, train, then search; anytime: search once a first student exists, label while it runs (default: explore anytime, search paper)."
    )
    var schedule: Schedule?
    @Option(
        name: .customLong("warmup-labels"),
        help: "Anytime: labels before generation 0 (default: explore 16, search 24).")
    var warmupLabels: Int?
    @Option(
        name: .customLong("labels-per-generation"),
        help: "Anytime: labels added before each generation until the switch.") var labelsPerGeneration: Int = 4
    @Option(
        help:
            "Sleep each expensive batch for its recorded cost divided by this, e.g. 1000 (or off; default: explore 1000, search off)."
    )
    var pace: String?
    @Flag(name: .customLong("pause-at-switch"), help: "Pause when the switch point is reached (demos).")
    var pauseAtSwitch = false
    @Option(
        name: .customLong("label-pool"), help: "Pool to label from (default: the space's, e.g. the 8,500 unlabeled).")
    var labelPool: String?
    @Option(
        name: .customLong("split-seed"),
        help: "Split whose 10 demonstrations the prompts use (default: 123 where the space has it, else its first).")
    var splitSeed: String?
    @Flag(name: .customLong("evaluate-llm"), help: "Phase 1: predict the split's test architectures with LLM-PP first.")
    var evaluateLLM = false
    @Option(name: .customLong("train-steps"), parsing: .unconditional, help: "Student training steps (paper: 5000).")
    var trainSteps: Int = 5000
    @Option(
        name: .customLong("train-lr"), parsing: .unconditional, help: "Student learning rate, in (0, 1] (paper: 1e-5).")
    var trainLR: Double = 1e-5
    @Option(name: .customLong("train-batch"), parsing: .unconditional, help: "Student batch size (paper: 128).")
    var trainBatch: Int = 128
    @Option(help: "builtin (NB201: 12-epoch table; HAT: surrogate of a baseline) or external.") var evaluator: String =
        "builtin"
    @Option(
        name: .customLong("evaluator-cmd"), help: "External evaluator command (JSON lines on stdin/stdout; see README)."
    ) var evaluatorCmd: String?
    @Option(name: .customLong("evaluator-baseline"), help: "HAT built-in surrogate: the baseline it is fitted to.")
    var evaluatorBaseline: String = "Neuron-wise MoS"
    @Option(
        name: .customLong("evaluator-timeout"), parsing: .unconditional,
        help: "Seconds the external evaluator may take for one batch.")
    var evaluatorTimeout: Double = 3600
    @Option(
        name: .customLong("evaluator-env"),
        help:
            "Pass this provider key (\(ProviderFactory.secretVariables.joined(separator: ", "))) to the external evaluator; repeatable. Without it the evaluator never sees them."
    )
    var evaluatorEnv: [String] = []
    @Option(help: "Seed of the run (sampling, evolution, training).") var seed: UInt64 = 0
    @OptionGroup var prompt: PromptFlags

    /// The command's defaults where an option is not given.
    struct Defaults {
        var schedule: Schedule = .paper
        var pace: Double? = nil
        var warmupLabels = 24

        /// `llmpp` alone: the switch must be seen within minutes. With 24 walked warm-up labels
        /// the first generation came 128 s after a cold start on 2 cores (target: 120 s); 16
        /// bring it under. Expensive evaluations paced 1000x.
        static let explorer = Defaults(schedule: .anytime, pace: 1000, warmupLabels: 16)
    }

    func config(space id: String, llm: ProviderOptions, defaults: Defaults = .init()) throws -> RunConfig {
        var c = RunConfig(space: id)
        llm.apply(to: &c)
        if let splitSeed { c.splitSeed = splitSeed }
        c.evaluateLLM = evaluateLLM
        let anytime =
            (schedule ?? defaults.schedule) == .anytime
            ? AnytimeSchedule(
                warmupLabels: warmupLabels ?? defaults.warmupLabels, labelsPerGeneration: labelsPerGeneration,
                trainingSteps: trainSteps) : nil
        c.anytime = anytime
        // Unless given: half the iterations (a fixed 15 made `--iterations 10` fail on its
        // default), and 0 where there are no labels to train a student on.
        let switchAt = self.switchAt ?? (labels == 0 ? 0 : iterations / 2)
        // Anytime spends its budget by the switch: warm-up + one batch per student-scored generation.
        c.labels =
            labels ?? (switchAt == 0 ? 0 : nil) ?? anytime.map {
                $0.labels(forGeneration: switchAt - 1, budget: Int.max)
            } ?? 3000
        c.pace = try pace.map(Self.parsePace) ?? defaults.pace
        c.pauseAtSwitch = pauseAtSwitch ? true : nil
        c.labelPool = labelPool
        c.training = TrainingConfig(
            hidden: [400, 400, 400, 400], learningRate: trainLR, steps: trainSteps, batchSize: trainBatch, seed: seed)
        // scaled(125) is the paper's 25 parents, 50 mutations, 50 crossovers.
        c.evolution = EvolutionConfig.scaled(population: population, iterations: iterations)
        c.evolution.mutationProbability = mutationProb
        c.switchAt = switchAt
        c.constraint = .init(latencyMs: latencyMs, hardware: hardware, gflops: gflops)
        c.evaluator = .init(
            kind: evaluator, command: evaluatorCmd, baseline: evaluatorBaseline,
            timeout: evaluatorTimeout, passEnvironment: evaluatorEnv)
        c.seed = seed
        // CLIError, not ValidationError: thrown from run(), the latter printed the root's usage.
        if let p = c.problem { throw CLIError(p) }
        return c
    }

    /// "1000", "1000x" or "off".
    static func parsePace(_ text: String) throws -> Double? {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        if t == "off" || t == "none" { return nil }
        guard let v = Double(t.hasSuffix("x") ? String(t.dropLast()) : t), v > 0, v.isFinite else {
            throw ValidationError("--pace takes a speed-up such as 1000 (or 1000x), or off")
        }
        return v
    }

    func validate() throws {
        for name in evaluatorEnv where !ProviderFactory.secretVariables.contains(name) {
            throw ValidationError(
                "--evaluator-env takes a provider key (\(ProviderFactory.secretVariables.joined(separator: ", "))), got '\(name)': other variables reach the evaluator anyway"
            )
        }
    }
}

extension Schedule: ExpressibleByArgument {}
