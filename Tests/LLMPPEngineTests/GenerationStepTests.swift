import Foundation
import LLMPPCore
import LLMPPTestSupport
import XCTest

@testable import LLMPPEngine

/// The search step's pure parts and the expensive scorer's memo, without an engine.
final class GenerationStepTests: XCTestCase {
    func draws(_ n: Int, seed: UInt64 = 7) throws -> (SearchSpace, [Architecture]) {
        let s = try Repo.space("nb201-cifar10")
        var rng = SeededGenerator(seed: seed)
        let archs = (0..<n).map { _ in s.shape.random(using: &rng) }
        return (s, archs)
    }

    func testThePopulationKeepsPinnedFirstEachArchitectureOnceAndNoBanned() throws {
        let (s, a) = try draws(4)
        let step = GenerationStep(space: s, latency: nil)
        let pop = step.population(pinned: [a[2]], population: [a[0], a[1], a[2], a[0], a[3]], banned: [s.id(a[1])])
        XCTAssertEqual(pop.map(s.id), [a[2], a[0], a[3]].map(s.id))
    }

    func testCandidatesAreRankedByScoreThenIdWithTheirTruthAndCosts() throws {
        let (s, a) = try draws(3)
        let step = GenerationStep(space: s, latency: nil)
        let cands = try step.candidates(
            a, scores: [80, 90, 80], distill: [1, 2, 3], expensive: [s.id(a[0]): 80], generation: 4,
            source: .expensive, pinned: [s.id(a[2])])
        XCTAssertEqual(cands.map(\.score), [90, 80, 80])
        XCTAssertEqual(cands.first?.id, s.id(a[1]))
        XCTAssertLessThan(cands[1].id, cands[2].id, "ties by id: the order is total")
        let byID = Dictionary(uniqueKeysWithValues: cands.map { ($0.id, $0) })
        XCTAssertEqual(byID[s.id(a[0])]?.expensive, 80)
        XCTAssertNil(byID[s.id(a[1])]?.expensive)
        XCTAssertEqual(byID[s.id(a[2])]?.distill, 3)
        XCTAssertEqual(byID[s.id(a[2])]?.pinned, true)
        XCTAssertTrue(cands.allSatisfy { $0.generation == 4 && $0.truth != nil && $0.params > 0 })
    }

    /// The latencies come from one batched pass now (125 single passes of HAT's predictor per
    /// generation); each candidate keeps the figure a single pass gives.
    func testCandidatesCarryTheLatencyOfOneBatchedPass() throws {
        let (s, a) = try draws(6)
        let latency = try LatencyModel.make(space: s, cacheDirectory: nil)
        let step = GenerationStep(space: s, latency: latency)
        let cands = try step.candidates(
            a, scores: [1, 2, 3, 4, 5, 6], distill: nil, expensive: [:], generation: 0, source: .distill, pinned: [])
        for c in cands { XCTAssertEqual(c.latencyMs, try latency.latencyMs(c.arch), c.id) }
        XCTAssertEqual(step.latencyMs(a).compactMap { $0 }.count, 6)
        XCTAssertEqual(GenerationStep(space: s, latency: nil).latencyMs(a), [nil, nil, nil, nil, nil, nil])
    }

    func testTheNextPopulationDropsInfeasibleParentsKeepsPinnedAndEndsWithInjected() throws {
        let (s, a) = try draws(8)
        let step = GenerationStep(space: s, latency: nil)
        let config = EvolutionConfig(iterations: 3, population: 6, parents: 2, mutations: 2, crossovers: 2)
        let evolution = Evolution(shape: s.shape, config: config, isFeasible: { _ in true })
        let cands = try step.candidates(
            Array(a.prefix(4)), scores: [4, 3, 2, 1], distill: nil, expensive: [:], generation: 0,
            source: .distill, pinned: [s.id(a[3])])
        // The best candidate is ruled out now (a ban since it was scored): the pinned one stays a parent.
        let banned = s.id(a[0])
        var rng = SeededGenerator(seed: 1)
        let next = try step.nextPopulation(
            after: cands, evolution: evolution, feasible: { $0.map { s.id($0) != banned } }, injected: [a[7]],
            rng: &rng)
        XCTAssertEqual(next.count, 6)
        XCTAssertEqual(
            Array(next.prefix(2)).map(s.id), [a[1], a[2]].map(s.id), "the two best feasible are the parents")
        XCTAssertEqual(next.last.map(s.id), s.id(a[7]), "an injected architecture takes the last place")
        // Nothing feasible and nothing pinned: random architectures, the same for the same seed.
        let unpinned = cands.map {
            var c = $0
            c.pinned = false
            return c
        }
        var r1 = SeededGenerator(seed: 2)
        var r2 = SeededGenerator(seed: 2)
        let fresh = try step.nextPopulation(
            after: unpinned, evolution: evolution, feasible: { $0.map { _ in false } }, injected: [], rng: &r1)
        let again = try step.nextPopulation(
            after: unpinned, evolution: evolution, feasible: { $0.map { _ in false } }, injected: [], rng: &r2)
        XCTAssertEqual(fresh.count, 6)
        XCTAssertEqual(fresh.map(s.id), again.map(s.id))
    }

    func testTheExpensiveScorerPaysOnlyForWhatItDoesNotKnow() async throws {
        let (s, a) = try draws(3)
        let asked = Asked()
        let scorer = ExpensiveScorer(known: [s.id(a[0]): 50], space: s) { missing in
            asked.add(missing.map(s.id))
            return missing.indices.map { Double(60 + $0) }
        }
        XCTAssertEqual(scorer.missing(a).map(s.id), [a[1], a[2]].map(s.id))
        let got = try await scorer.scores(of: [a[1], a[0], a[2], a[1]])
        XCTAssertEqual(got.scores, [60, 50, 61, 60])
        XCTAssertEqual(got.paid.map(\.id), [a[1], a[2]].map(s.id))
        XCTAssertEqual(asked.all, [[a[1], a[2]].map(s.id)], "one batch; an architecture met twice is paid once")
        let known = try await scorer.scores(of: [a[0]])
        XCTAssertEqual(known.scores, [50])
        XCTAssertTrue(known.paid.isEmpty)
        XCTAssertEqual(asked.all.count, 1, "nothing to pay: the evaluator is not called")
    }

    func testAnEvaluatorThatReturnsTooFewScoresIsAnError() async throws {
        let (s, a) = try draws(2)
        let scorer = ExpensiveScorer(known: [:], space: s) { _ in [1] }
        do {
            _ = try await scorer.scores(of: a)
            XCTFail("two asked, one returned")
        } catch let e as EvaluatorError {
            XCTAssertTrue(e.description.contains("returned 1 scores for 2"), e.description)
        }
    }
}

/// The batches an evaluator was asked for, in order.
private final class Asked: @unchecked Sendable {
    private let lock = NSLock()
    private var batches: [[String]] = []
    var all: [[String]] { lock.withLock { batches } }
    func add(_ ids: [String]) { lock.withLock { batches.append(ids) } }
}
