import Foundation
import LLMPPCore

/// HS-NAS against its two extremes: hybrid (switch mid-way), baseline only (switch 0: every
/// generation paid with the expensive evaluator) and distill only (switch = iterations: no
/// expensive call), each pick judged by the space's truth where every architecture has one
/// (NAS-Bench-201), else by a named surrogate (`StudyReference`).
public enum SearchStudy {
    public struct Mode: Sendable, Equatable {
        public var name: String
        public var switchAt: Int
        public var schedule: Schedule = .paper
        /// The label budget (nil: the study's).
        public var labels: Int? = nil
        public init(name: String, switchAt: Int, schedule: Schedule = .paper, labels: Int? = nil) {
            self.name = name
            self.switchAt = switchAt
            self.schedule = schedule
            self.labels = labels
        }
        public static func standard(iterations: Int) -> [Mode] {
            [
                Mode(name: "hybrid", switchAt: iterations / 2), Mode(name: "baseline only", switchAt: 0),
                Mode(name: "distill only", switchAt: iterations),
            ]
        }

        /// Issue 11's comparison: at each label budget B, `paper` and `anytime` with B labels and
        /// `paper` with 3B, all switching mid-way; `paper` B again at each of `laterSwitches`
        /// (its labels and student are the same, only the search changes: where the hours go);
        /// then baseline only (switch 0).
        public static func schedules(iterations: Int, budgets: [Int], laterSwitches: [Int] = []) -> [Mode] {
            var out: [Mode] = []
            func add(_ m: Mode) {
                if !out.contains(where: {
                    $0.schedule == m.schedule && $0.labels == m.labels && $0.switchAt == m.switchAt
                }) {
                    out.append(m)
                }
            }
            for b in budgets {
                add(Mode(name: "paper \(b)", switchAt: iterations / 2, schedule: .paper, labels: b))
                add(Mode(name: "anytime \(b)", switchAt: iterations / 2, schedule: .anytime, labels: b))
                add(Mode(name: "paper \(3 * b)", switchAt: iterations / 2, schedule: .paper, labels: 3 * b))
                for s in laterSwitches where s > 0 && s < iterations && s != iterations / 2 {
                    add(Mode(name: "paper \(b), switch \(s)", switchAt: s, schedule: .paper, labels: b))
                }
            }
            return out + [Mode(name: "baseline only", switchAt: 0)]
        }
    }

    /// Anytime with budget B and switch S: W warm-up labels, then enough per generation to
    /// spend B by the switch (L(g) = min(B, W + g K)).
    public static func anytime(budget: Int, switchAt: Int, warmup: Int = 24, steps: Int) -> AnytimeSchedule {
        let w = min(warmup, budget)
        let k = switchAt > 1 ? Int((Double(budget - w) / Double(switchAt - 1)).rounded(.up)) : 0
        return AnytimeSchedule(
            warmupLabels: w, labelsPerGeneration: max(0, k), trainingSteps: steps)
    }

    /// The reference the regret is measured against: the best architecture of the space's
    /// pool that meets the constraint (NAS-Bench-201: the whole space), by `reference`.
    public struct Oracle: Sendable {
        public var space: String
        public var poolName: String
        /// What picks are judged by: the truth, or a surrogate where the space has no truth of its pool.
        public var reference: StudyReference
        public var hardware: String
        public var latencyMs: Double
        public var feasible: Int
        public var total: Int
        public var best: [String: (id: String, value: Double)]
        /// (latency, test truth) of the space's true Pareto front, for the plot.
        public var front: [(latency: Double, truth: Double)]
    }

    public struct Outcome: Sendable {
        public var mode: Mode
        public var seed: UInt64
        public var runID: String
        public var bestID: String
        public var bestLatencyMs: Double?
        /// The best architecture's trained-from-scratch truth per metric (valid, test).
        public var truth: [String: Double]
        public var regret: [String: Double]
        public var expensiveEvaluations: Int
        public var llmCalls: Int
        /// Labels the run's student learned from.
        public var labels: Int = 0
        /// What the run's labels cost the LLM (their calls' measured time, whether paid in this
        /// run or answered from the cache of an earlier one) and its expensive evaluations cost
        /// (the evaluator's recorded cost), in hours.
        public var llmHours: Double = 0
        public var expensiveHours: Double = 0
        public var totalHours: Double { llmHours + expensiveHours }
        /// What the expensive hours are: the evaluator's recorded cost, or wall time.
        public var costLabel: String = "wall time"
        /// Whether the expensive hours are a recorded cost (a surrogate's wall time is not one).
        public var costRecorded: Bool { costLabel.hasPrefix("recorded") }
        /// Per generation: expensive evaluations so far and the test truth of the generation's pick.
        public var trace: [(generation: Int, expensive: Int, truth: Double)]
        /// The final generation's predicted Pareto front: (latency, test truth).
        public var front: [(latency: Double, truth: Double)]
    }

    public static func oracle(
        space: SearchSpace, hardware: String, latencyMs: Double?, dataDirectory: String?,
        surrogateBaseline: String = RunConfig.EvaluatorSpec().baseline
    ) throws -> Oracle {
        guard let poolName = space.pools.keys.sorted().first, let pool = space.pool(poolName) else {
            throw EngineError.refused("space '\(space.id)' has no pool to scan for the best architecture")
        }
        let reference = try StudyReference.of(space: space, pool: pool, baseline: surrogateBaseline)
        let latency = try LatencyModel.make(space: space, hardware: hardware, dataDirectory: dataDirectory)
        let lat = try latency.latencyMs(pool)
        let limit = latencyMs ?? Metrics.median(lat)
        var best: [String: (id: String, value: Double)] = [:]
        var feasible = 0
        var points: [(latency: Double, truth: Double)] = []
        for (i, a) in pool.enumerated() where lat[i] <= limit {
            feasible += 1
            for m in reference.metrics {
                guard let v = try reference.score(m, a) else { continue }
                if best[m].map({ v > $0.value }) ?? true { best[m] = (space.id(a), v) }
                if m == "test" { points.append((lat[i], v)) }
            }
        }
        guard feasible > 0 else {
            throw EngineError.refused(
                String(format: "no architecture of %@ meets %.2f ms on %@", space.id, limit, hardware))
        }
        return Oracle(
            space: space.id, poolName: poolName, reference: reference, hardware: hardware, latencyMs: limit,
            feasible: feasible, total: pool.count, best: best,
            front: paretoFront(points, score: \.truth, latency: \.latency).sorted { $0.latency < $1.latency })
    }

    /// Every mode x seed; runs of the same labels and training share the LLM's answers and
    /// the student (cached), so only the first pays for them.
    public static func run(
        base: RunConfig, modes: [Mode], seeds: [UInt64], oracle: Oracle, environment env: EngineEnvironment,
        runPrefix: String, progress: @escaping @Sendable (String) -> Void
    ) async throws -> [Outcome] {
        var out: [Outcome] = []
        for mode in modes {
            for seed in seeds {
                var c = base
                c.switchAt = mode.switchAt
                c.labels = mode.switchAt == 0 ? 0 : (mode.labels ?? base.labels)
                c.anytime =
                    mode.schedule == .anytime && c.labels > 0
                    ? anytime(budget: c.labels, switchAt: mode.switchAt, steps: base.training.steps) : nil
                c.seed = seed
                c.labelSeed = base.labelSeed ?? 0
                c.training.seed = base.training.seed
                c.constraint = .init(latencyMs: oracle.latencyMs, hardware: oracle.hardware)
                progress(
                    "search \(mode.name) (switch \(mode.switchAt)/\(c.evolution.iterations)), seed \(seed)"
                        + " (run \(out.count + 1) of \(modes.count * seeds.count))")
                let (engine, state) = try await StudyRun.run(
                    config: c, environment: env, runID: "\(runPrefix)-\(mode.switchAt)-s\(seed)", progress: progress)
                out.append(try await outcome(engine: engine, state: state, mode: mode, seed: seed, oracle: oracle))
            }
        }
        return out
    }

    static func outcome(engine: Engine, state: RunState, mode: Mode, seed: UInt64, oracle: Oracle) async throws
        -> Outcome
    {
        guard let best = state.best else { throw EngineError.phaseFailed("run \(engine.runID) found no architecture") }
        func truth(_ m: String, _ a: Architecture) throws -> Double? { try oracle.reference.score(m, a) }
        var t: [String: Double] = [:]
        var regret: [String: Double] = [:]
        for m in oracle.reference.metrics {
            guard let v = try truth(m, best.arch) else { continue }
            t[m] = v
            if let o = oracle.best[m] { regret[m] = o.value - v }
        }
        // The trace from the stored generations: expensive evaluations are the distinct
        // architectures scored by the expensive evaluator up to each generation.
        var paid = Set<String>()
        var trace: [(generation: Int, expensive: Int, truth: Double)] = []
        var last: [Candidate] = []
        for (g, cands) in try await engine.storedGenerations() {
            for c in cands where c.source == .expensive { paid.insert(c.id) }
            if let top = cands.first, let v = try truth("test", top.arch) { trace.append((g, paid.count, v)) }
            last = cands
        }
        let front = try paretoFront(last, score: \.score, latency: { $0.latencyMs ?? $0.gflops })
            .compactMap { c in try truth("test", c.arch).map { (latency: c.latencyMs ?? c.gflops, truth: $0) } }
            .sorted { $0.latency < $1.latency }
        var o = Outcome(
            mode: mode, seed: seed, runID: engine.runID, bestID: best.id, bestLatencyMs: best.latencyMs, truth: t,
            regret: regret,
            expensiveEvaluations: state.counters.expensiveEvaluations, llmCalls: state.counters.llmCalls, trace: trace,
            front: front)
        let callIDs = try await engine.runs.labelCallIDs(run: engine.runID)
        o.labels = try await engine.runs.labels(run: engine.runID).values.filter { $0 != nil }.count
        o.llmHours = try await engine.transcripts.latencySeconds(callIDs: callIDs) / 3600
        o.expensiveHours = (state.expensiveSeconds ?? 0) / 3600
        o.costLabel = engine.evaluator.costLabel
        return o
    }
}
