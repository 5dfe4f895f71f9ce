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
            "Generations scored by LLM-Distill-PP before the expensive evaluator takes over (0 = HAT only, = iterations: distill only)."
    )
    var switchAt: Int = 15
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
        // Anytime spends its budget by the switch: warm-up + one batch per student-scored generation.
        c.labels =
            labels ?? (switchAt == 0 ? 0 : nil) ?? anytime.map {
                $0.warmupLabels + $0.labelsPerGeneration * max(0, switchAt - 1)
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
        if let p = c.problem { throw ValidationError(p) }
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
            let amend = try ResumeFlags.amendments(
                runID: id, arguments: Array(CommandLine.arguments.dropFirst()), run: run, llm: llm)
            let engine = try await Engine.resume(runID: id, environment: env, amend: amend)
            for line in amend.summary(spent: await engine.state.counters) {
                SearchCommand.note("run \(id): \(line) (saved with the run)")
            }
            return engine
        }
        guard let space = run.space ?? defaultSpace else {
            throw ValidationError("--space is required (or --resume RUN)")
        }
        var config = try run.config(space: space, llm: llm, defaults: defaults)
        let loaded = try loadSpace(space)
        if run.splitSeed == nil, let l = loaded.labelled { config.splitSeed = l.defaultSplitSeed }
        if let p = config.problem(in: loaded) { throw ValidationError(p) }
        // The prompt files are read only when the run asks an LLM (a space without prompts can be searched).
        if config.labels > 0 || config.evaluateLLM {
            config.prompt = try run.prompt.resolve(parts: config.prompt, template: PromptTemplate.load(space: loaded))
        }
        adjust(&config)
        return try await Engine.create(config: config, environment: env)
    }
}

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
        let state = try await Self.drive(engine, label: "search")
        print(await Self.result(engine: engine, state: state, json: json))
    }

    /// Runs the engine to the end, printing progress lines on stderr.
    static func drive(_ engine: Engine, label: String) async throws -> RunState {
        let snap = await engine.snapshot()
        note(
            "run \(snap.runID): \(snap.config.space), provider \(snap.providerName), evaluator \(snap.evaluatorName), switch at \(snap.config.switchAt)/\(snap.config.evolution.iterations), constraint \(snap.config.constraint.summary)"
        )
        note(await engine.estimate().line)
        let waits = watchWaits(engine)
        defer { waits.cancel() }
        let state = await engine.runToEnd { events in
            var lastLabel = -1
            let labelling = RateClock(start: (Date(), snap.state.labelsDone))
            let testing = RateClock(start: (Date(), snap.state.llmppDone))
            for await e in events {
                switch e {
                case .phaseChanged(let p): note("phase: \(p.rawValue)")
                case .llmppProgress(let d, let t): note("LLM-PP: \(testing.rate(d, t).text) test architectures")
                case .labelProgress(let d, let t, let f):
                    let rate = labelling.rate(d, t)
                    let decile = t > 0 ? d * 20 / t : 0
                    if decile != lastLabel || d == t {
                        lastLabel = decile
                        note("labelling: \(rate.text)\(f > 0 ? " (\(f) failed)" : "")")
                    }
                case .trainingLoss(let s, let t, let l):
                    if s % max(t / 10, 1) == 0 || s == t {
                        note(String(format: "training: step %d/%d, loss %.4f", s, t, l))
                    }
                case .generationDone(let g, let src, let pop, _):
                    let best = pop.first
                    let st = await engine.snapshot().state
                    note(
                        String(
                            format: "generation %d: best %.3f (%@) by %@, expensive evaluations so far %d", g,
                            best?.score ?? .nan, best?.id ?? "-",
                            src == .distill ? "LLM-Distill-PP" : "the expensive evaluator",
                            st.counters.expensiveEvaluations))
                case .switchReached(let g):
                    note("switch point reached at generation \(g): the expensive evaluator scores from now on")
                case .error(let m): note("error: \(m)")
                default: break
                }
            }
        }
        if let err = state.error {
            throw CLIError("\(err)\nthe run is saved: continue with 'llmpp \(label) --resume \(snap.runID)'")
        }
        return state
    }

    /// The rate of one kind of progress since this process started (a resumed run's earlier
    /// work is not in the rate).
    struct RateClock {
        var start: (Date, Int)
        func rate(_ done: Int, _ total: Int) -> ProgressRate {
            ProgressRate(done: done, total: total, doneBefore: start.1, elapsed: Date().timeIntervalSince(start.0))
        }
    }

    static func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    static func candidateJSON(_ c: Candidate?) -> JSONValue {
        guard let c else { return .null }
        return .object([
            ("id", .string(c.id)), ("arch", .null), ("predicted", .number(c.score)),
            ("source", .string(c.source.rawValue)),
            ("distill", .number(c.distill)), ("expensive", .number(c.expensive)), ("truth", .number(c.truth)),
            ("latency_ms", .number(c.latencyMs)), ("gflops", .number(c.gflops)), ("params", .number(c.params)),
        ])
    }

    /// The run's result: JSON with --json, else a few lines of text.
    static func result(engine: Engine, state: RunState, json: Bool) async -> String {
        let result = SearchResult(snapshot: await engine.snapshot(), space: engine.space, state: state)
        return json ? result.json.rendered(pretty: true) : result.text
    }
}

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
        let state = try await SearchCommand.drive(engine, label: "distill")
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

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the saved runs.")
    @OptionGroup var common: CommonOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        // No database: no runs (scripts poll this right after starting a run), and none is created.
        let rows: [RunStore.RunRow]
        do { rows = try await RunStore(path: common.databasePath, create: false).runs() } catch let e as MissingDatabase
        {
            SearchCommand.note("\(e)")
            rows = []
        }
        var t = TextTable(header: [
            "run", "space", "status", "phase", "generation", "expensive evals", "best", "updated",
        ])
        var out: [JSONValue] = []
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        for r in rows {
            let st = try? JSONDecoder().decode(RunState.self, from: Data(r.state.utf8))
            let cfg = try? JSONDecoder().decode(RunConfig.self, from: Data(r.config.utf8))
            t.rows.append([
                r.id, r.space, r.status, st?.phase.rawValue ?? "?",
                "\(st?.generation ?? 0)/\(cfg?.evolution.iterations ?? 0)",
                "\(st?.counters.expensiveEvaluations ?? 0)", fmt(st?.best?.score, 3),
                f.string(from: Date(timeIntervalSince1970: r.updated)),
            ])
            out.append(
                .object([
                    ("run", .string(r.id)), ("space", .string(r.space)), ("status", .string(r.status)),
                    ("phase", .string(st?.phase.rawValue)), ("generation", .number(Double(st?.generation ?? 0))),
                    ("expensive_evaluations", .number(Double(st?.counters.expensiveEvaluations ?? 0))),
                    ("best", .number(st?.best?.score)),
                ]))
        }
        print(
            json
                ? JSONValue.array(out).rendered(pretty: true)
                : (rows.isEmpty ? "no runs in \(common.databasePath)" : t.render()))
    }
}
