import XCTest

@testable import LLMPPCore

final class EvolutionTests: XCTestCase {
    func testNextPopulationKeepsParentsAndRespectsTheConstraint() throws {
        let s = try Fixtures.space("hat-wmt14ende")
        let limit = 3.2e9
        let evo = Evolution(
            shape: s.shape, config: EvolutionConfig(), isFeasible: { (try? s.flops($0)).map { $0 <= limit } ?? false })
        var rng = SeededGenerator(seed: 1)
        let pop = try evo.randomPopulation(125, using: &rng)
        XCTAssertEqual(pop.count, 125)
        XCTAssertTrue(try pop.allSatisfy { try s.flops($0) <= limit })
        let parents = Array(pop.prefix(25))
        let next = try evo.nextPopulation(parents: parents, using: &rng)
        XCTAssertEqual(next.count, 125)
        XCTAssertEqual(Array(next.prefix(25)), parents)
        XCTAssertTrue(try next.allSatisfy { try s.flops($0) <= limit && s.isValid($0) })
        // Same seed, same populations.
        var r1 = SeededGenerator(seed: 9)
        var r2 = SeededGenerator(seed: 9)
        XCTAssertEqual(
            try evo.nextPopulation(parents: parents, using: &r1), try evo.nextPopulation(parents: parents, using: &r2))
    }

    func testAnImpossibleConstraintIsAClearError() throws {
        let s = try Fixtures.space("nb201-cifar10")
        var cfg = EvolutionConfig()
        cfg.maxResample = 50
        let evo = Evolution(shape: s.shape, config: cfg, isFeasible: { _ in false })
        var rng = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try evo.randomPopulation(3, using: &rng)) { XCTAssertTrue("\($0)".contains("loosen it")) }
    }

    func testConfigChecksAndScaling() {
        XCTAssertNil(EvolutionConfig().problem)
        let c = EvolutionConfig.scaled(population: 20, iterations: 6)
        XCTAssertEqual([c.parents, c.mutations, c.crossovers], [4, 8, 8])
        XCTAssertNil(c.problem)
        // The commands rely on it: HAT's proportions at 125 are the paper's settings.
        XCTAssertEqual(EvolutionConfig.scaled(population: 125, iterations: 30), EvolutionConfig())
        XCTAssertNotNil(EvolutionConfig(population: 10, parents: 2, mutations: 2, crossovers: 2).problem)
    }

    func testParetoFront() {
        let pts: [(Double, Double)] = [(1, 10), (2, 12), (1.5, 9), (3, 20), (2.5, 25), (0.5, 5)]
        let f = paretoFront(pts, score: { $0.0 }, latency: { $0.1 })
        XCTAssertEqual(f.map(\.0), [0.5, 1.5, 2, 3])
    }

    func testStudentCheckpointContinuesExactly() throws {
        let xs = (0..<200).map { i in [Double(i % 13) / 13, Double(i % 7) / 7] }
        let ys = xs.map { 20 + 5 * $0[0] - 3 * $0[1] }
        let cfg = TrainingConfig(hidden: [16, 16], learningRate: 1e-3, steps: 60, batchSize: 32, seed: 4)
        var a = StudentTrainer(featureSet: "f", features: xs, labels: ys, config: cfg)
        a.train(steps: 60)
        var b = StudentTrainer(featureSet: "f", features: xs, labels: ys, config: cfg)
        b.train(steps: 25)
        let blob = try b.checkpoint()
        var c = StudentTrainer(featureSet: "f", features: xs, labels: ys, config: cfg)  // a new process
        try c.restore(blob)
        c.train(steps: 35)
        XCTAssertEqual(c.model.model.weights, a.model.model.weights)
        XCTAssertEqual(c.losses, a.losses)
        XCTAssertEqual(a.model.predict(features: [xs[0]])[0], 20 + 0 - 0, accuracy: 3)
        XCTAssertThrowsError(try c.restore(Data("junk".utf8)))
    }
}
