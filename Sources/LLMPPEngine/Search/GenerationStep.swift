import Foundation
import LLMPPCore

/// One HS-NAS generation's pure parts: what it scores, its ranked candidates once the scores
/// are in, and the next population. Pure — everything it reads is passed in — so a test
/// needs no engine, and a resumed run given the same inputs takes the same step.
struct GenerationStep {
    let space: SearchSpace
    let latency: LatencyModel?

    /// What a generation scores: pinned architectures first and always in, each architecture
    /// once, banned ones out.
    func population(pinned: [Architecture], population: [Architecture], banned: Set<String>) -> [Architecture] {
        var seen = Set<String>()
        return (pinned + population).filter { a in
            let id = space.id(a)
            return !banned.contains(id) && seen.insert(id).inserted
        }
    }

    /// The generation's candidates, best first (ties by id, so the order is total), each with
    /// what the search did not use (the student's score after the switch, the truth, the costs).
    func candidates(
        _ population: [Architecture], scores: [Double], distill: [Double]?, expensive: [String: Double],
        generation g: Int, source: ScoreSource, pinned: Set<String>
    ) throws -> [Candidate] {
        let truth = space.labelled.flatMap { $0.truth["valid"] ?? $0.truth.values.first }
        let latencies = latencyMs(population)
        let candidates = try population.enumerated().map { i, a in
            let id = space.id(a)
            return Candidate(
                arch: a, id: id, generation: g, score: scores[i], source: source, distill: distill?[i],
                expensive: expensive[id], truth: try truth.flatMap { try space.lookup($0, a) },
                latencyMs: latencies[i], gflops: try space.flops(a) / 1e9, params: try space.params(a),
                pinned: pinned.contains(id))
        }
        return candidates.sorted { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
    }

    /// Each architecture's latency, nil where it has none: one batched pass of a predictor (125
    /// single passes took longer than the rest of a student-scored generation), one at a time
    /// only where the batch fails, so that one architecture's error costs only its own figure.
    func latencyMs(_ population: [Architecture]) -> [Double?] {
        guard let latency else { return population.map { _ in nil } }
        if let all = try? latency.latencyMs(population) { return all }
        return population.map { try? latency.latencyMs($0) }
    }

    /// The next population: the best candidates that are still feasible (a constraint tightened
    /// or a ban since they were scored rules some out; pinned ones stay) as parents, or, with
    /// none left, random feasible architectures; injected architectures take the last places.
    func nextPopulation(
        after candidates: [Candidate], evolution: Evolution, feasible: ([Architecture]) -> [Bool],
        injected: [Architecture], rng: inout SeededGenerator
    ) throws -> [Architecture] {
        let keep = feasible(candidates.map(\.arch))
        let parents = candidates.indices.filter { candidates[$0].pinned || keep[$0] }
            .prefix(evolution.config.parents).map { candidates[$0].arch }
        let children =
            parents.isEmpty
            ? try evolution.randomPopulation(evolution.config.population, using: &rng)
            : try evolution.nextPopulation(parents: Array(parents), using: &rng)
        guard !injected.isEmpty else { return children }
        return Array(children.prefix(max(0, children.count - injected.count))) + injected
    }
}
