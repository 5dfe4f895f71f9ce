import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM

/// The paper's experiments as one command: the predictor-quality table, the instruction
/// ablation ladder and the HS-NAS search comparison on NAS-Bench-201, every figure computed
/// from engine runs whose LLM answers are cached (a rerun pays for nothing twice).
struct ReproduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract:
            "Reproduce the paper's experiments: predictor quality, the instruction ablation, HS-NAS vs its extremes on NAS-Bench-201.",
        discussion: """
            Parts: hardware (few-shot latency on unseen devices: leave-one-device-out on HAT's devices and NB201's
            settings, k measurements per draw, every adaptation method; no LLM needed), predictors (three HAT tasks x three split seeds: the baselines, the references, LLM-PP and
            LLM-Distill-PP), ablation (the prompt ladder on one task), search (nb201-cifar10 under a latency
            constraint: hybrid vs baseline only vs distill only, truth of the best architecture, regret against the
            true best, expensive evaluations), schedule (the same space: anytime vs paper at each of
            --schedule-budgets labels and paper at 3x, against baseline only, with search hours). --search-space
            hat-*: the picks are judged by the surrogate evaluator (no truth of its pool), and said so. Progress on
            stderr; --out DIR writes CSVs and SVG plots.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var llm: ProviderOptions
    @Option(help: "Parts to run: all, or a list of predictors, ablation, search, schedule.") var parts: String = "all"
    @Option(
        name: .customLong("schedule-budgets"),
        help: "Label budgets of the schedule comparison (each also run by paper with 3x).")
    var scheduleBudgets: String = "100,300"
    @Option(
        name: .customLong("schedule-switches"),
        help:
            "Further switch points of the schedule comparison: paper at each budget again, switching there (the hours' trade against the pick's truth)."
    )
    var scheduleSwitches: String = ""
    @Option(help: "HAT tasks of the predictor table.") var tasks: String = "hat-wmt14ende,hat-wmt14enfr,hat-wmt19ende"
    @Option(help: "Architecture encoding of the predictor table's and the ablation's prompts (the paper: lines).")
    var encoding: ArchitectureEncoding = .lines
    @Option(
        help:
            "Efficiency lines of the predictor table's and the ablation's prompts: gflops (the paper), params, or gflops,params."
    )
    var efficiency: String = EfficiencyLine.text(PromptOptions.full.efficiency)
    @Option(
        name: .customLong("demo-order"),
        help:
            "Demonstration order of those prompts: data (the paper), efficiency, efficiency-descending, nearest-last.")
    var demoOrder: DemoOrder = PromptOptions.full.demoOrder
    @Option(name: .customLong("split-seeds"), help: "Split seeds of the predictor table and the ablation.")
    var splitSeeds: String = "123,456,789"
    @Option(
        help:
            "Architectures LLM-PP labels per split for LLM-Distill-PP in the predictor table (paper: 8,500; 0: skip the student)."
    )
    var labels: Int = 100
    @Option(name: .customLong("ablation-space"), help: "Task of the ablation ladder.") var ablationSpace: String =
        "hat-wmt14ende"
    @Option(
        name: .customLong("search-space"),
        help:
            "Space of the search and schedule comparisons: picks are judged by its truth, or where it has none of its pool (HAT) by its surrogate, named so."
    ) var searchSpace: String =
        "nb201-cifar10"
    @Option(help: "Device of the latency constraint (default: the space's default, for nb201 the Raspberry Pi 4 CPU).")
    var hardware: String?
    @Option(
        name: .customLong("latency-ms"),
        help: "Latency constraint (default: the median latency of the space on the device).") var latencyMs: Double?
    @Option(name: .customLong("search-seeds"), help: "Search seeds per mode.") var searchSeeds: Int = 5
    @Option(name: .customLong("search-labels"), help: "Architectures LLM-PP labels for the search's LLM-Distill-PP.")
    var searchLabels: Int = 200
    @Option(name: .customLong("search-split-seed"), help: "Seed drawing the search prompts' 10 demonstrations.")
    var searchSplitSeed: String = "123"
    @Option(help: "Evolution iterations (paper: 30; the hybrid switches at half).") var iterations: Int = 30
    @Option(help: "Population (paper: 125).") var population: Int = 125
    @Option(name: .customLong("train-steps"), help: "Student training steps (paper: 5000).") var trainSteps: Int = 5000
    @Option(name: .customLong("hardware-spaces"), help: "Spaces of the few-shot latency study.")
    var hardwareSpaces: String = "hat-wmt14ende,hat-wmt14enfr,nb201-cifar10"
    @Option(name: .customLong("hardware-k"), help: "Measurements of the unseen device (k) in the few-shot study.")
    var hardwareK: String = "5,10,20,50"
    @Option(name: .customLong("hardware-draws"), help: "Seeded draws of the k measurements per device and k.")
    var hardwareDraws: Int = 5
    @Option(
        name: .customLong("hardware-sources"),
        help: "Source settings of a measured space (nb201): the others are the unseen targets.")
    var hardwareSources: String = "1080ti_1,1080ti_256,silver_4114,pixel3"
    @Option(
        name: .customLong("hardware-llm"),
        help:
            "Also run LLM-PP for latency (method c) on this many test architectures per unseen setting of nb201-cifar10 (0: skip)."
    )
    var hardwareLLM: Int = 0
    @Option(name: .customLong("hardware-llm-targets"), help: "Unseen settings the LLM method is run on.")
    var hardwareLLMTargets: String = "2080ti_1,gold_6240,pixel2,eyeriss"
    @Option(name: .customLong("hardware-llm-encodings"), help: "Architecture encodings of the latency prompts.")
    var hardwareLLMEncodings: String = "lines,json,graph"
    @Option(help: "Write CSVs and SVG plots into this folder.") var out: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        let known = ["all", "predictors", "ablation", "search", "schedule", "hardware"]
        for p in partList where !known.contains(p) {
            throw ValidationError("unknown part '\(p)' (use \(known.joined(separator: ", ")))")
        }
        do { _ = try EfficiencyLine.parse(efficiency) } catch { throw ValidationError("\(error)") }
        if searchSeeds < 1 { throw ValidationError("--search-seeds must be at least 1") }
        if labels < 0 || searchLabels < 1 { throw ValidationError("--labels must be >= 0 and --search-labels >= 1") }
        if iterations < 2 { throw ValidationError("--iterations must be at least 2") }
        if hardwareLLM < 0 { throw ValidationError("--hardware-llm must be >= 0") }
        if list(hardwareLLMEncodings).contains(where: { ArchitectureEncoding(rawValue: $0) == nil }) {
            throw ValidationError("--hardware-llm-encodings takes lines, json and graph")
        }
        if hardwareDraws < 1 { throw ValidationError("--hardware-draws must be at least 1") }
        if list(hardwareK).compactMap(Int.init).count != list(hardwareK).count
            || list(hardwareK).contains(where: { (Int($0) ?? 0) < 3 })
        {
            throw ValidationError("--hardware-k takes measurement counts >= 3, e.g. 5,10,20,50")
        }
        if budgetList.isEmpty || budgetList.contains(where: { $0 < 1 }) {
            throw ValidationError("--schedule-budgets takes label counts >= 1, e.g. 100,300")
        }
        if list(scheduleSwitches).count != switchList.count
            || switchList.contains(where: { $0 < 1 || $0 >= iterations })
        {
            throw ValidationError(
                "--schedule-switches takes generations in 1..<\(iterations) (--iterations), e.g. 20,24")
        }
    }

    var partList: [String] { parts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    func wants(_ p: String) -> Bool { partList.contains("all") || partList.contains(p) }
    var budgetList: [Int] {
        scheduleBudgets.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
    var switchList: [Int] { list(scheduleSwitches).compactMap { Int($0) } }
    var seedList: [String] { list(splitSeeds) }
    func list(_ s: String) -> [String] { s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    /// The parts that ask an LLM (the hardware study does not, so it runs without one).
    var needsLLM: Bool { ["predictors", "ablation", "search", "schedule"].contains(where: wants) }

    func run() async throws {
        let progress: @Sendable (String) -> Void = { StandardError.line($0) }
        var report = ReproduceReport(provider: "none")
        if wants("hardware") {
            let study = HardwareStudy(
                ks: list(hardwareK).compactMap(Int.init), draws: hardwareDraws, measuredSources: list(hardwareSources),
                cacheDirectory: common.cacheDirectory)
            for id in list(hardwareSpaces) {
                report.hardware.append(try study.run(space: try common.loadSpace(id), progress: progress))
            }
        }
        if hardwareLLM > 0 { try await runLatencyLLM(&report, progress: progress) }
        if needsLLM { try await runLLMParts(&report, progress: progress) }
        if let out {
            let files = try report.write(to: out)
            progress("wrote \(files.joined(separator: ", ")) in \(out)")
        }
        print(json ? report.json.rendered(pretty: true) : report.text)
    }

    /// LLM-PP for latency on nb201-cifar10's unseen settings, beside the other methods on the same architectures.
    func runLatencyLLM(_ report: inout ReproduceReport, progress: @escaping @Sendable (String) -> Void) async throws {
        let provider = SharedProvider(try await llm.makeProvider(common: common))
        report.provider = provider.displayName
        let study = LLMLatencyStudy(
            provider: provider, store: try common.openStore(),
            settings: llm.settings(defaultDecode: .distribution, defaultCalibration: .none),
            encodings: list(hardwareLLMEncodings).compactMap(ArchitectureEncoding.init(rawValue:)),
            targets: list(hardwareLLMTargets), sources: list(hardwareSources), k: 10, draws: 1, tests: hardwareLLM,
            cacheDirectory: common.cacheDirectory)
        do {
            report.latencyLLM = try await study.run(space: try common.loadSpace("nb201-cifar10"), progress: progress)
        } catch {
            await provider.close()
            throw error
        }
        await provider.close()
    }

    func runLLMParts(_ report: inout ReproduceReport, progress: @escaping @Sendable (String) -> Void) async throws {
        let provider = SharedProvider(try await llm.makeProvider(common: common))
        let catalog = try common.catalog()
        let env = EngineEnvironment(
            catalog: catalog, dataDirectory: common.resolvedDataDirectory, makeProvider: { _, _ in provider })
        let prefix = newRunID("reproduce")
        let base = try baseConfig()
        // The decoding is named: reproduce's default (greedy) is not the local model's elsewhere.
        progress(
            "reproduce \(prefix): \(provider.displayName), decode \(base.prediction.decode.rawValue), calibration \(base.prediction.calibration.rawValue), data in \(common.resolvedDataDirectory)"
        )
        report.prompt = base.prompt.fullSummary
        report.provider = provider.displayName
        do {
            try await runPredictorParts(&report, base: base, env: env, prefix: prefix, progress: progress)
            if wants("search") || wants("schedule") {
                try await runSearchParts(
                    &report, base: base, space: try catalog.load(searchSpace), env: env, prefix: prefix,
                    progress: progress)
            }
        } catch {
            await provider.close()
            throw error
        }
        await provider.close()
    }

    /// The runs' settings from the flags. The paper's pipeline: greedy, uncalibrated answers
    /// unless --decode or --calibrate say otherwise.
    func baseConfig() throws -> RunConfig {
        var base = RunConfig(space: "")
        llm.apply(to: &base)
        base.prediction = llm.settings(defaultDecode: .greedy, defaultCalibration: .none)
        base.training.steps = trainSteps
        base.prompt.encoding = encoding
        base.prompt.efficiency = try EfficiencyLine.parse(efficiency)
        base.prompt.demoOrder = demoOrder
        return base
    }

    /// LLM-PP and LLM-Distill-PP on each task, and the prompt ablation.
    func runPredictorParts(
        _ report: inout ReproduceReport, base: RunConfig, env: EngineEnvironment, prefix: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws {
        if wants("predictors") {
            for task in tasks.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
                report.predictors.append(
                    try await PredictorStudy.table(
                        space: task, seeds: seedList, labels: labels, base: base, environment: env,
                        runPrefix: prefix, progress: progress))
            }
        }
        if wants("ablation") {
            report.ablationSpace = ablationSpace
            report.ablation = try await PredictorStudy.ablation(
                space: ablationSpace, seeds: seedList, metric: "valid", base: base, environment: env,
                runPrefix: prefix, progress: progress)
        }
    }

    /// HS-NAS against its baselines and the schedules, under one constraint judged by the
    /// space's oracle.
    func runSearchParts(
        _ report: inout ReproduceReport, base: RunConfig, space: SearchSpace, env: EngineEnvironment, prefix: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws {
        guard let hw = hardware ?? space.latency?.defaultHardware else {
            throw CLIError("\(searchSpace) has no latency data for a constraint")
        }
        let oracle = try SearchStudy.oracle(
            space: space, hardware: hw, latencyMs: latencyMs, dataDirectory: common.resolvedDataDirectory)
        progress(
            String(
                format: "search: %@ under %.2f ms on %@: %d of %d architectures feasible", space.id,
                oracle.latencyMs, hw, oracle.feasible, oracle.total))
        var c = base
        c.space = searchSpace
        c.splitSeed = searchSplitSeed
        c.labels = searchLabels
        c.evolution = EvolutionConfig.scaled(population: population, iterations: iterations)
        report.oracle = oracle
        let seeds = (1...searchSeeds).map(UInt64.init)
        if wants("search") {
            report.search = try await SearchStudy.run(
                base: c, modes: SearchStudy.Mode.standard(iterations: iterations), seeds: seeds,
                oracle: oracle, environment: env, runPrefix: prefix, progress: progress)
        }
        if wants("schedule") {
            report.schedule = try await SearchStudy.run(
                base: c,
                modes: SearchStudy.Mode.schedules(
                    iterations: iterations, budgets: budgetList, laterSwitches: switchList),
                seeds: seeds, oracle: oracle, environment: env, runPrefix: prefix + "-schedule", progress: progress)
        }
    }
}
