import LLMPPCore
import LLMPPEngine

/// What `search` prints when a run ends or stops: the counters, each generation's scorer, the
/// search hours, the best architecture and the final Pareto front.
struct SearchResult {
    let snapshot: EngineSnapshot
    let space: SearchSpace
    let state: RunState

    var pareto: [Candidate] {
        paretoFront(state.lastGeneration, score: \.score, latency: { $0.latencyMs ?? $0.gflops })
    }
    var hours: SearchHours { SearchHours(state: state, costLabel: snapshot.costLabel) }

    var json: JSONValue {
        let hours = hours
        return .object([
            ("run", .string(snapshot.runID)), ("space", .string(space.id)),
            ("switch_at", .number(Double(snapshot.config.switchAt))),
            ("iterations", .number(Double(snapshot.config.evolution.iterations))),
            ("expensive_evaluations", .number(Double(state.counters.expensiveEvaluations))),
            ("llm_calls", .number(Double(state.counters.llmCalls))),
            ("cached_answers", .number(Double(state.counters.cachedAnswers))),
            ("labels", .number(Double(state.labelsDone - state.labelsFailed))),
            ("evaluator", .string(snapshot.evaluatorName)),
            ("schedule", .string(snapshot.config.schedule.rawValue)),
            ("first_generation_seconds", .number(state.firstGenerationSeconds)),
            ("generations", .array((state.generationLog ?? []).map(Self.generationJSON))),
            (
                "search_hours",
                .object([
                    ("llm", .number(hours.llm)), ("expensive", .number(hours.expensive)),
                    ("saved", .number(hours.saved)), ("expensive_cost", .string(hours.costLabel)),
                    ("llm_cost", .string(SearchHours.llmCostLabel)),
                ])
            ),
            ("best", candidate(state.best)), ("pareto", .array(pareto.map(candidate))),
        ])
    }

    static func generationJSON(_ g: GenerationRecord) -> JSONValue {
        .object([
            ("index", .number(Double(g.index))),
            ("scored_by", .string(g.scoredBy.shortName)),
            ("student_labels", .number(g.studentLabels.map(Double.init))),
            ("wall_seconds", .number(g.wallSeconds)),
            ("new_expensive_evaluations", .number(Double(g.newExpensiveEvaluations))),
        ])
    }

    /// A candidate with its architecture written out.
    func candidate(_ c: Candidate?) -> JSONValue {
        guard let c, case .object(var f) = Self.candidateJSON(c) else { return .null }
        f[1] = ("arch", space.json(c.arch))
        return .object(f)
    }

    /// A candidate's figures; `arch` is filled in by `candidate(_:)`.
    private static func candidateJSON(_ c: Candidate?) -> JSONValue {
        guard let c else { return .null }
        return .object([
            ("id", .string(c.id)), ("arch", .null), ("predicted", .number(c.score)),
            ("source", .string(c.source.rawValue)),
            ("distill", .number(c.distill)), ("expensive", .number(c.expensive)), ("truth", .number(c.truth)),
            ("latency_ms", .number(c.latencyMs)), ("gflops", .number(c.gflops)), ("params", .number(c.params)),
        ])
    }

    var text: String {
        let (config, state, hours) = (snapshot.config, state, hours)
        var lines = [
            "run \(snapshot.runID): \(space.id), switch at \(config.switchAt) of \(config.evolution.iterations), \(state.counters.expensiveEvaluations) expensive evaluations (\(snapshot.evaluatorName)), \(state.counters.llmCalls) LLM calls (\(state.counters.cachedAnswers) cached)"
        ]
        if let b = state.best {
            lines.append(
                String(
                    format: "best %@: %.3f by %@, truth %@, latency %@, %.3f GFLOPs, %.2fM params", b.id,
                    b.score, b.source.predictorName,
                    b.truth.map { String(format: "%.3f", $0) } ?? "unknown",
                    b.latencyMs.map { String(format: "%.1f ms", $0) } ?? "-", b.gflops, b.params / 1e6))
            lines += space.canonicalText(b.arch).split(separator: "\n").map { "  " + $0 }
        }
        let stretches = ScoringStretch.of(state.generationLog ?? [])
        if !stretches.isEmpty {
            lines.append(
                "generations scored by: "
                    + stretches.map { $0.text(evaluator: snapshot.evaluatorName) }.joined(separator: ", "))
        }
        lines.append(
            String(
                format: "search hours: LLM %.3f (%@) + expensive %.2f (%@)", hours.llm, SearchHours.llmCostLabel,
                hours.expensive, hours.costLabel)
                + (hours.saved.map { String(format: "; saved by the switch (estimated) %.2f", $0) } ?? ""))
        if let f = state.firstGenerationSeconds {
            lines.append(String(format: "first generation after %.0f s (%@ schedule)", f, config.schedule.rawValue))
        }
        lines.append(
            "Pareto front (the score the search used vs latency): "
                + pareto.map { String(format: "%.2f@%.1f", $0.score, $0.latencyMs ?? $0.gflops) }.joined(separator: " ")
        )
        return lines.joined(separator: "\n")
    }
}
