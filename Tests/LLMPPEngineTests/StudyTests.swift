import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPTestSupport
import XCTest

@testable import LLMPPEngine

/// `llmpp reproduce`'s studies on nb201-cifar10 with the in-test LLM of EngineTests.
final class StudyTests: XCTestCase {
    func smallBase() -> RunConfig {
        var c = EngineTests.smallConfig()
        c.labels = 24
        c.evolution = EvolutionConfig.scaled(population: 20, iterations: 4)
        return c
    }

    func testSearchStudyComparesTheModesOnTheTruth() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let dataDir = EngineTests.tempDir()
        let env = EngineTests.environment(server, dataDir: dataDir)
        let space = try EngineTests.space()
        let oracle = try SearchStudy.oracle(space: space, hardware: "raspi4", latencyMs: 25, dataDirectory: nil)
        XCTAssertGreaterThan(oracle.feasible, 0)
        XCTAssertLessThan(oracle.feasible, oracle.total)
        // The oracle's best really is the best feasible architecture.
        let latency = try LatencyModel.make(space: space, hardware: "raspi4", cacheDirectory: nil)
        let pool = space.pool("all")!
        let lat = try latency.latencyMs(pool)
        let best = try pool.indices.filter { lat[$0] <= 25 }.map {
            try space.lookup(space.labelled!.truth["test"]!, pool[$0])!
        }.max()
        XCTAssertEqual(oracle.best["test"]?.value, best)
        XCTAssertFalse(oracle.front.isEmpty)

        let outcomes = try await SearchStudy.run(
            base: smallBase(), modes: SearchStudy.Mode.standard(iterations: 4), seeds: [1, 2],
            oracle: oracle, environment: env, runPrefix: "t", progress: { _ in })
        XCTAssertEqual(
            outcomes.map(\.mode.name),
            ["hybrid", "hybrid", "baseline only", "baseline only", "distill only", "distill only"])
        // The labels are shared by every run that distils: the LLM is asked once per label.
        XCTAssertEqual(server.requestCount, 24)
        // And so is the student: trained once, then read from the cache.
        let students = try FileManager.default.contentsOfDirectory(atPath: dataDir + "/cache/students")
        XCTAssertEqual(students.count, 1)
        for o in outcomes {
            XCTAssertEqual(o.trace.map(\.generation), [0, 1, 2, 3])
            XCTAssertEqual(o.regret["test"]!, oracle.best["test"]!.value - o.truth["test"]!, accuracy: 1e-9)
            XCTAssertGreaterThanOrEqual(o.regret["test"]!, 0)
            XCTAssertLessThanOrEqual(try XCTUnwrap(o.bestLatencyMs), 25)
            XCTAssertEqual(o.trace.last?.expensive, o.expensiveEvaluations)
            switch o.mode.name {
            case "distill only": XCTAssertEqual(o.expensiveEvaluations, 0)
            case "hybrid":
                XCTAssertEqual(o.trace[1].expensive, 0)
                XCTAssertGreaterThan(o.expensiveEvaluations, 0)
            default: XCTAssertGreaterThan(o.trace[0].expensive, 0)
            }
        }
        for seed in [UInt64(1), 2] {
            let hybrid = outcomes.first { $0.mode.name == "hybrid" && $0.seed == seed }!
            let baseline = outcomes.first { $0.mode.name == "baseline only" && $0.seed == seed }!
            XCTAssertLessThan(hybrid.expensiveEvaluations, baseline.expensiveEvaluations)
        }
    }

    func testPredictorTableAndAblationLadder() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let env = EngineTests.environment(server, dataDir: EngineTests.tempDir())
        var base = smallBase()
        base.labels = 16
        let table = try await PredictorStudy.table(
            space: "nb201-cifar10", seeds: ["5", "6"], labels: 16, base: base, environment: env,
            runPrefix: "t", progress: { _ in })
        let valid = try XCTUnwrap(table.metrics.first { $0.metric == "valid" }?.rows)
        let llm = try XCTUnwrap(valid.first { $0.name.hasPrefix("LLM-PP (") })
        let distill = try XCTUnwrap(valid.first { $0.name == "LLM-Distill-PP (16 labels)" })
        XCTAssertEqual(llm.perSeed.map(\.seed), ["5", "6"])
        XCTAssertEqual(distill.perSeed.map(\.seed), ["5", "6"])
        // The in-test LLM answers the truth within +-1: its MAE says so.
        XCTAssertLessThanOrEqual(try XCTUnwrap(llm.maeMean), 1.0)
        XCTAssertEqual(server.requestCount, 2 * (20 + 16))

        let before = server.requestCount
        let ladder = try await PredictorStudy.ablation(
            space: "nb201-cifar10", seeds: ["5"], metric: "valid", base: base, environment: env,
            runPrefix: "t", progress: { _ in })
        XCTAssertEqual(ladder.map(\.step), Array(0...6))
        XCTAssertEqual(ladder.map(\.name), PromptOptions.ladderNames)
        for s in ladder { XCTAssertNotNil(s.quality.maeMean) }
        // Steps 0-5 are new prompts; step 6 is the full prompt the table already asked (cached).
        XCTAssertEqual(server.requestCount - before, 6 * 20)
    }

    /// Beside a distribution-decoded table, each split runs again with greedy answers: LLM-PP
    /// and LLM-Distill-PP on the same number of labels (the same architectures), the other
    /// rows once.
    func testPredictorTableAddsGreedyAnswersBesideADistribution() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let env = EngineTests.environment(server, dataDir: EngineTests.tempDir())
        var base = smallBase()
        base.prediction.decode = .distribution
        base.prediction.samples = 2
        let table = try await PredictorStudy.table(
            space: "nb201-cifar10", seeds: ["5"], labels: 8, base: base, environment: env,
            runPrefix: "t", progress: { _ in })
        let names = try XCTUnwrap(table.metrics.first { $0.metric == "valid" }?.rows).map(\.name)
        XCTAssertEqual(
            names.filter { $0.hasPrefix("LLM-PP (") },
            ["LLM-PP (test-llm at 127.0.0.1)", "LLM-PP (test-llm at 127.0.0.1, greedy)"])
        XCTAssertEqual(
            names.filter { $0.hasPrefix("LLM-Distill-PP") },
            ["LLM-Distill-PP (8 labels)", "LLM-Distill-PP (8 greedy labels)"])
        XCTAssertEqual(Set(names).count, names.count, "no row twice: \(names)")
        // Two samples per answer for the distribution, one greedy answer each for the copy.
        XCTAssertEqual(server.requestCount, 2 * (20 + 8) + (20 + 8))
    }

    /// A study's labelling says its rate and ETA at each tenth and at least once a minute, the
    /// answers the cache gave before the first report left out of the rate.
    func testStudyProgressLinesCarryRateAndETA() {
        var line = StudyProgressLine(what: "labelling")
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertEqual(line.update(40, 300, now: t0), "  labelling 40/300 · 0s")
        XCTAssertNil(line.update(41, 300, now: t0.addingTimeInterval(3)), "same tenth, under a minute")
        XCTAssertEqual(
            line.update(60, 300, now: t0.addingTimeInterval(40)), "  labelling 60/300 · 30.0/min · 40s · ETA 8m00s")
        XCTAssertEqual(
            line.update(61, 300, now: t0.addingTimeInterval(101)), "  labelling 61/300 · 12.5/min · 1m41s · ETA 19m09s")
    }

    /// Answers from the cache arriving mid-way take no time: the rate is of the others only.
    func testStudyProgressLinesLeaveCachedAnswersOutOfTheRate() {
        var line = StudyProgressLine(what: "labelling")
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertEqual(line.update(10, 100, fromCache: 10, now: t0), "  labelling 10/100 · 0s")
        // 40 more in 60 s, 30 of them cached: 10 a minute, 50 left.
        XCTAssertEqual(
            line.update(50, 100, fromCache: 40, now: t0.addingTimeInterval(60)),
            "  labelling 50/100 · 10.0/min · 1m00s · ETA 5m00s")
    }
}
