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
        let space = self.space
        let evolution = Evolution(
            shape: space.shape, config: config.evolution, areFeasible: feasibilityTest(),
            draw: { space.randomArchitecture(using: &$0) })
        try seedFirstGeneration(evolution)
        let g = state.generation
        let source: ScoreSource = g < config.switchAt ? .distill : .expensive
        if reachSwitch(g, source: source) { return }
        let step = GenerationStep(space: space, latency: latency)
        let pop = step.population(pinned: state.pinned, population: state.population, banned: Set(state.banned))
        let distill = try student.map { try StudentScorer(student: $0, space: space).scores(of: pop) }
        if distill != nil { state.counters.distillEvaluations += pop.count }
        let (scores, newExpensive) = try await score(pop, source: source, distill: distill)
        let cands = try step.candidates(
            pop, scores: scores, distill: distill, expensive: expensiveScores, generation: g, source: source,
            pinned: Set(state.pinned.map(space.id)))
        let last = g + 1 >= evolution.config.iterations
        // The next population is built before any state changes, so that a failure here (an
        // impossible constraint) leaves the run exactly as it was, to retry after steering. The
        // parents are filtered, and injections taken, as they are now (steering may have come in
        // while the expensive evaluator ran); the children are drawn under the feasibility test
        // of the generation's start, as before.
        var rng = state.rng
        let next =
            last
            ? []
            : try step.nextPopulation(
                after: cands, evolution: evolution, feasible: feasibilityTest(), injected: state.injected, rng: &rng)
        try await finishGeneration(
            g, source: source, candidates: cands, newExpensive: newExpensive, next: next, rng: rng, last: last)
    }

    /// Generation 0's population: the pinned and injected architectures, then random feasible ones.
    private func seedFirstGeneration(_ evolution: Evolution) throws {
        guard state.generation == 0 && state.population.isEmpty else { return }
        var rng = state.rng
        let extra = state.pinned + state.injected
        state.population =
            extra + (try evolution.randomPopulation(max(0, config.evolution.population - extra.count), using: &rng))
        takeInjections()
        state.rng = rng
    }

    /// Marks the first expensive generation of a hybrid run; true where the run pauses there
    /// (`--pause-at-switch`: a demo stops before the first expensive generation is paid for).
    private func reachSwitch(_ g: Int, source: ScoreSource) -> Bool {
        guard source == .expensive && state.switchReachedAt == nil && config.switchAt > 0 else { return false }
        state.switchReachedAt = g
        emit(.switchReached(generation: g))
        guard config.pauseAtSwitch == true else { return false }
        state.paused = true
        emit(.notice("paused at the switch point (generation \(g)): Space continues with the expensive evaluator"))
        emit(.paused(true))
        return true
    }

    /// The scores the search ranks by (the student's before the switch, the expensive ones from
    /// it on) and how many architectures were paid for.
    private func score(_ pop: [Architecture], source: ScoreSource, distill: [Double]?) async throws -> (
        [Double], Int
    ) {
        switch source {
        case .distill:
            guard let distill else { throw EngineError.phaseFailed("no LLM-Distill-PP student to score with") }
            return (distill, 0)
        case .expensive:
            let scorer = ExpensiveScorer(known: expensiveScores, space: space) { try await self.payExpensive($0) }
            let got = try await scorer.scores(of: pop)
            if !got.paid.isEmpty {
                try await runs.saveExpensive(run: runID, scores: got.paid.map { ($0.id, $0.score) })
                for p in got.paid { expensiveScores[p.id] = p.score }
                // Counted from what was paid and stored: a kill between the evaluation and the
                // state's save must not hide evaluations already done.
                state.counters.expensiveEvaluations = expensiveScores.count
            }
            return (got.scores, got.paid.count)
        }
    }

    /// One expensive batch: evaluated while the run shows that it waits, then charged.
    private func payExpensive(_ missing: [Architecture]) async throws -> [Double] {
        let started = Date()
        let costed = try await waiting(
            for: "\(evaluator.name) (\(missing.count) architectures)", timeout: evaluatorTimeout
        ) {
            try await evaluator.evaluateCosted(missing)
        }
        try await chargeExpensive(recorded: costed.seconds, wallSeconds: Date().timeIntervalSince(started))
        return costed.scores
    }

    /// The generation's record, events and state; the run's end after the last one.
    private func finishGeneration(
        _ g: Int, source: ScoreSource, candidates cands: [Candidate], newExpensive: Int, next: [Architecture],
        rng: SeededGenerator, last: Bool
    ) async throws {
        let pareto = paretoFront(cands, score: \.score, latency: { $0.latencyMs ?? $0.gflops })
        let popJSON = try Self.encode(cands)
        state.lastGeneration = cands
        state.best = cands.first
        logGeneration(g, source: source, newExpensive: newExpensive)
        tellWhereInjectionsRanked(g, cands, last: last)
        var studentOnly = state.studentScoredIDs ?? []
        if source == .distill { studentOnly.formUnion(cands.map(\.id)) } else { studentOnly.subtract(cands.map(\.id)) }
        state.studentScoredIDs = studentOnly
        state.generation = g + 1
        state.rng = rng
        emit(
            .generationDone(
                generation: g, source: source, population: cands, pareto: pareto,
                expensiveEvaluations: state.counters.expensiveEvaluations))
        if last {
            state.finished = true
            state.population = []
            setPhase(.done)
            await persist(generation: (g, popJSON))
            emit(.finished(best: state.best))
            return
        }
        takeInjections()
        state.population = next
        await persist(generation: (g, popJSON))
    }

    /// The injected architectures have joined the population built: remembered by id until its
    /// generation says where they ranked.
    private func takeInjections() {
        state.arrivingInjections = state.injected.isEmpty ? nil : state.injected.map(space.id)
        state.injected = []
    }

    /// Says where the injected architectures of generation `g` ranked: they are in that one
    /// generation only, unless they rank among the best kept as parents.
    private func tellWhereInjectionsRanked(_ g: Int, _ cands: [Candidate], last: Bool) {
        let parents = min(config.evolution.parents, cands.count)
        for id in state.arrivingInjections ?? [] {
            if let rank = cands.firstIndex(where: { $0.id == id }) {
                let fate =
                    last
                    ? ""
                    : rank < parents
                        ? ", among the \(parents) best kept as parents" : ", below the \(parents) best kept"
                emit(
                    .notice(
                        "injected \(id): generation \(g) ranks it \(rank + 1) of \(cands.count) (score \(String(format: "%.2f", cands[rank].score)))\(fate)"
                    ))
            } else {
                emit(.notice("injected \(id) is not in generation \(g): banned since"))
            }
        }
        state.arrivingInjections = nil
    }

    /// When paced, sleeps out the rest of a batch's recorded cost divided by the pace, then
    /// counts its cost (recorded or reported seconds, else wall time). A quit during the sleep
    /// charges nothing: the batch's scores are not kept either, and the resumed run pays for
    /// it again (it was charged twice: 1.35 h too many after one quit).
    func chargeExpensive(recorded: [Double]?, wallSeconds: Double) async throws {
        let cost = recorded.map { $0.reduce(0, +) } ?? wallSeconds
        if let pace = config.pace, let recorded {
            let sleep = recorded.reduce(0, +) / pace - wallSeconds
            // Said like any wait: a paced generation stood 40 s with nothing on screen moving.
            let what =
                "\(evaluator.name)'s pace (\(recorded.count) architectures, \(RunEstimate.unit(cost)) recorded ÷ \(Int(pace))x)"
            if sleep > 0 { try await waiting(for: what, timeout: nil) { try await env.sleep(min(sleep, 3600)) } }
        }
        state.expensiveSeconds = (state.expensiveSeconds ?? 0) + cost
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
