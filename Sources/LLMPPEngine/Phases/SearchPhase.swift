import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Phase 4: HS-NAS, one generation per unit, scored by the student before the switch point and
/// by the expensive evaluator from it on.
extension Engine {
    /// The constraint and bans as of now, as a batch test the evolution calls synchronously.
    func feasibilityTest() -> ([Architecture]) -> [Bool] {
        let banned = Set(state.banned)
        let constraint = config.constraint
        let latency = self.latency
        let space = self.space
        return { archs in
            let violations = ConstraintViolation.check(archs, constraint: constraint, space: space, latency: latency)
            return zip(archs, violations).map { a, v in v == nil && !banned.contains(space.id(a)) }
        }
    }

    func stepSearch() async throws {
        if try await anytimeWork(forGeneration: state.generation) { return }
        let e = config.evolution
        let evo = Evolution(shape: space.shape, config: e, areFeasible: feasibilityTest())
        if state.generation == 0 && state.population.isEmpty {
            var rng = state.rng
            let extra = state.pinned + state.injected
            state.population = extra + (try evo.randomPopulation(max(0, e.population - extra.count), using: &rng))
            state.injected = []
            state.rng = rng
        }
        let g = state.generation
        let source: ScoreSource = g < config.switchAt ? .distill : .expensive
        if source == .expensive && state.switchReachedAt == nil && config.switchAt > 0 {
            state.switchReachedAt = g
            emit(.switchReached(generation: g))
            if config.pauseAtSwitch == true {
                // A demo stops here, before the first expensive generation is paid for.
                state.paused = true
                emit(
                    .notice(
                        "paused at the switch point (generation \(g)): Space continues with the expensive evaluator"))
                emit(.paused(true))
                return
            }
        }
        // Unique architectures of the population, pinned ones always in.
        var seen = Set<String>()
        var pop: [Architecture] = []
        for a in state.pinned + state.population
        where seen.insert(space.id(a)).inserted && !state.banned.contains(space.id(a)) { pop.append(a) }
        var distill: [Double]? = nil
        if let student {
            distill = try student.predict(pop, in: space)
            state.counters.distillEvaluations += pop.count
        }
        var scores: [Double]
        var newExpensive = 0
        switch source {
        case .distill:
            guard let d = distill else { throw EvaluatorError("no LLM-Distill-PP student to score with") }
            scores = d
        case .expensive:
            let missing = pop.filter { expensiveScores[space.id($0)] == nil }
            newExpensive = missing.count
            if !missing.isEmpty {
                let started = Date()
                let costed = try await waiting(
                    for: "\(evaluator.name) (\(missing.count) architectures)", timeout: evaluatorTimeout
                ) {
                    try await evaluator.evaluateCosted(missing)
                }
                let got = costed.scores
                try await chargeExpensive(recorded: costed.seconds, wallSeconds: Date().timeIntervalSince(started))
                guard got.count == missing.count else {
                    throw EvaluatorError("the evaluator returned \(got.count) scores for \(missing.count)")
                }
                let pairs = zip(missing, got).map { (space.id($0), $1) }
                try await runs.saveExpensive(run: runID, scores: pairs)
                for (id, s) in pairs { expensiveScores[id] = s }
                // Counted from what was paid and stored: a kill between the evaluation and the
                // state's save must not hide evaluations already done.
                state.counters.expensiveEvaluations = expensiveScores.count
            }
            scores = pop.map { expensiveScores[space.id($0)]! }
        }
        let truthExpr = space.labelled.flatMap { $0.truth["valid"] ?? $0.truth.values.first }
        let pinnedIDs = Set(state.pinned.map(space.id))
        var cands: [Candidate] = []
        for (i, a) in pop.enumerated() {
            let id = space.id(a)
            cands.append(
                Candidate(
                    arch: a, id: id, generation: g, score: scores[i], source: source, distill: distill?[i],
                    expensive: expensiveScores[id], truth: try truthExpr.flatMap { try space.lookup($0, a) },
                    latencyMs: try? latency?.latencyMs(a), gflops: try space.flops(a) / 1e9,
                    params: try space.params(a),
                    pinned: pinnedIDs.contains(id)))
        }
        cands.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        let pareto = paretoFront(cands, score: \.score, latency: { $0.latencyMs ?? $0.gflops })
        let popJSON = try Self.encode(cands)
        let last = g + 1 >= e.iterations
        // The next population is built before any state changes, so that a failure here (an
        // impossible constraint) leaves the run exactly as it was, to retry after steering.
        var rng = state.rng
        var next: [Architecture] = []
        if !last {
            // Parents that a tightened constraint or a ban rules out are dropped (pinned ones stay);
            // with none left, the search restarts from random feasible architectures.
            let feasible = feasibilityTest()
            let keep = feasible(cands.map(\.arch))
            let parents = Array(
                cands.indices.filter { cands[$0].pinned || keep[$0] }.prefix(e.parents).map { cands[$0].arch })
            next =
                parents.isEmpty
                ? try evo.randomPopulation(e.population, using: &rng)
                : try evo.nextPopulation(parents: parents, using: &rng)
            if !state.injected.isEmpty {
                next = Array(next.prefix(max(0, next.count - state.injected.count))) + state.injected
            }
        }
        state.lastGeneration = cands
        state.best = cands.first
        logGeneration(g, source: source, newExpensive: newExpensive)
        var studentOnly = state.studentScoredIDs ?? []
        if source == .distill { studentOnly.formUnion(cands.map(\.id)) } else { studentOnly.subtract(cands.map(\.id)) }
        state.studentScoredIDs = studentOnly
        state.generation = g + 1
        state.rng = rng
        emit(.generationDone(generation: g, source: source, population: cands, pareto: pareto))
        if last {
            state.finished = true
            state.population = []
            setPhase(.done)
            await persist(generation: (g, popJSON))
            emit(.finished(best: state.best))
            return
        }
        state.injected = []
        state.population = next
        await persist(generation: (g, popJSON))
    }

    /// Adds what an expensive batch cost (recorded where the data has it, else wall time) and,
    /// with a pace, sleeps the recorded cost scaled down, so the switch can be seen in time.
    /// Counts a batch's cost (recorded or reported seconds, else wall time) and, when paced,
    /// sleeps out the rest of its recorded cost divided by the pace.
    func chargeExpensive(recorded: [Double]?, wallSeconds: Double) async throws {
        let cost = recorded.map { $0.reduce(0, +) } ?? wallSeconds
        state.expensiveSeconds = (state.expensiveSeconds ?? 0) + cost
        if let pace = config.pace, let recorded {
            let sleep = recorded.reduce(0, +) / pace - wallSeconds
            if sleep > 0 { try await env.sleep(min(sleep, 3600)) }
        }
    }

    func logGeneration(_ g: Int, source: ScoreSource, newExpensive: Int) {
        let wall = state.startedAt.map { Date().timeIntervalSince1970 - $0 } ?? 0
        if g == 0 && state.firstGenerationSeconds == nil { state.firstGenerationSeconds = wall }
        var log = state.generationLog ?? []
        log.removeAll { $0.index >= g }
        log.append(
            GenerationRecord(
                index: g, scoredBy: source,
                studentLabels: source == .distill ? (state.studentLabels ?? state.labelsDone) : nil,
                wallSeconds: wall, newExpensiveEvaluations: newExpensive))
        state.generationLog = log
    }
}
