import LLMPPCore

/// The expensive evaluator as a generation's scorer, behind the run's memo: an architecture is
/// paid for once per run, whichever generation meets it again.
struct ExpensiveScorer {
    /// Scores already paid for, by architecture id.
    let known: [String: Double]
    let space: SearchSpace
    /// Evaluates architectures not yet known, in order (the engine waits with progress and
    /// charges the cost).
    let pay: @Sendable ([Architecture]) async throws -> [Double]

    /// A generation's scores and the ones paid for to get them (to store before they count).
    struct Scores {
        var scores: [Double]
        var paid: [(id: String, score: Double)]
    }

    /// The architectures a generation of `population` would pay for, each once.
    func missing(_ population: [Architecture]) -> [Architecture] {
        var seen = Set<String>()
        return population.filter {
            let id = space.id($0)
            return known[id] == nil && seen.insert(id).inserted
        }
    }

    func scores(of population: [Architecture]) async throws -> Scores {
        let missing = missing(population)
        guard !missing.isEmpty else { return Scores(scores: population.map { known[space.id($0)]! }, paid: []) }
        let got = try await pay(missing)
        guard got.count == missing.count else {
            throw EvaluatorError("the evaluator returned \(got.count) scores for \(missing.count)")
        }
        let paid = zip(missing, got).map { (id: space.id($0), score: $1) }
        let all = known.merging(paid.map { ($0.id, $0.score) }) { _, new in new }
        return Scores(scores: population.map { all[space.id($0)]! }, paid: paid)
    }
}
