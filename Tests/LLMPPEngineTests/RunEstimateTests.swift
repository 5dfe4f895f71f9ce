import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore
import XCTest

@testable import LLMPPEngine

/// The estimate shown before a run: each part from something measured, unknown where nothing
/// is, and a rerun's cached answers not counted as work.
final class RunEstimateTests: XCTestCase {
    func testPartsSayTheirSums() {
        let llm = RunEstimate.Part.llm(
            "labels", answers: 40, secondsEach: (3.1, 212), concurrency: 1, provider: "local qwen")
        XCTAssertEqual(llm.seconds ?? 0, 124, accuracy: 1e-9)
        XCTAssertEqual(llm.detail, "40 × 3.1 s = 2m04s (median of 212 earlier answers of local qwen here)")
        let unknown = RunEstimate.Part.llm("labels", answers: 40, secondsEach: nil, concurrency: 4, provider: "gpt")
        XCTAssertNil(unknown.seconds)
        let paced = RunEstimate.Part.search(
            generations: 20, expensiveGenerations: 10, evaluations: 1000, recordedEach: 120, pace: 1000,
            costLabel: "recorded GPU time")
        XCTAssertEqual(paced.seconds ?? 0, 120, accuracy: 1e-9)
        XCTAssertEqual(
            paced.detail,
            "20 generations, 10 expensive with ≤1,000 evaluations × 2.0 min of recorded GPU time ÷ pace 1000x = 2m00s")
        let unpaced = RunEstimate.Part.search(
            generations: 20, expensiveGenerations: 10, evaluations: 1000, recordedEach: 120, pace: nil,
            costLabel: "recorded GPU time")
        XCTAssertEqual(unpaced.seconds, 0, "recorded costs are counted, not slept")
        XCTAssertTrue(unpaced.detail.contains("33.3 h of recorded GPU time, counted, not slept"), unpaced.detail)
        let e = RunEstimate(parts: [unknown, .training(steps: 100, secondsEach: 0.01), paced])
        XCTAssertTrue(e.line.hasPrefix("estimate: at least 2m01s (labels 40 answers: time unknown"), e.line)
        XCTAssertEqual(RunEstimate(parts: [paced]).line.prefix(16), "estimate: ~2m00s")
        // The status line's form: each part's time alone (the sums were cut even at 200 columns).
        XCTAssertEqual(
            e.shortLine, "estimate: at least 2m01s (labels unknown · training 1s · search 2m00s)")
    }

    /// A provider whose server has not started prices its recorded start first (model load,
    /// the first answer beyond an ordinary one), and only where the LLM is asked something.
    func testAColdServerIsPricedBeforeItsAnswers() async throws {
        let cold = RunEstimate.Part.coldStart(
            ColdStartCost(loadSeconds: 8, firstAnswerSeconds: 45, starts: 3), answerSeconds: 5)
        XCTAssertEqual(cold.seconds ?? 0, 48, accuracy: 1e-9)
        XCTAssertEqual(
            cold.detail, "model load 8.0 s + first prompt 40.0 s beyond an answer = 48s (median of 3 starts here)")
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let url = server.baseURL
        let env = EngineEnvironment(
            catalog: EngineTests.catalog, dataDirectory: EngineTests.tempDir(),
            makeProvider: { _, _ in
                ColdProvider(
                    inner: OpenAIProvider(
                        name: "openai", model: "test-llm", baseURL: url, apiKey: nil, maxConcurrency: 4))
            })
        let engine = try await Engine.create(config: EngineTests.smallConfig(), environment: env)
        let estimate = await engine.estimate()
        XCTAssertEqual(estimate.parts.first?.name, "server start", estimate.line)
        var none = EngineTests.smallConfig()
        none.labels = 0
        none.switchAt = 0
        let noLLM = try await Engine.create(config: none, environment: env)
        let withoutLLM = await noLLM.estimate()
        XCTAssertFalse(withoutLLM.parts.contains { $0.name == "server start" }, withoutLLM.line)
    }

    func testAnEngineEstimatesFromItsDataDirectoryAndCache() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let dir = EngineTests.tempDir()
        let env = EngineTests.environment(server, dataDir: dir)
        let cfg = EngineTests.smallConfig()
        let first = try await Engine.create(config: cfg, environment: env)
        let before = await first.estimate()
        let labels = try XCTUnwrap(before.parts.first { $0.name == "labels" })
        XCTAssertNil(labels.seconds, "no earlier answers in a fresh data directory")
        XCTAssertTrue(labels.detail.hasPrefix("48 answers: time unknown"), labels.detail)
        let training = try XCTUnwrap(before.parts.first { $0.name == "training" })
        XCTAssertGreaterThan(training.seconds ?? 0, 0, "timed now")
        XCTAssertTrue(training.detail.hasPrefix("150 steps × "), training.detail)
        let search = try XCTUnwrap(before.parts.last)
        // 6 generations, expensive from 3: a population of 20, then 2 x 16 children.
        XCTAssertTrue(search.detail.hasPrefix("6 generations, 3 expensive with ≤52 evaluations"), search.detail)
        await first.start()
        _ = await first.wait()

        // The same settings again: the 48 labels are cached, the answers' times are known.
        let again = try await Engine.create(config: cfg, environment: env)
        let after = await again.estimate()
        let cachedLabels = try XCTUnwrap(after.parts.first { $0.name == "labels" })
        XCTAssertEqual(cachedLabels.seconds, 0)
        XCTAssertTrue(cachedLabels.detail.contains("median of 48 earlier answers"), cachedLabels.detail)
        XCTAssertTrue(cachedLabels.detail.hasSuffix(", 48 more already answered (cached)"), cachedLabels.detail)
        await again.shutdown()
    }

    /// Answers in runs of the run's own space price it: a HAT prompt's 32 s priced an nb201 run
    /// whose answers take 5 s (the median was over every space's answers).
    func testTheEstimatePricesAnswersOfTheRunsOwnSpace() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let dir = EngineTests.tempDir()
        let env = EngineTests.environment(server, dataDir: dir)
        let engine = try await Engine.create(config: EngineTests.smallConfig(), environment: env)
        let store = try TranscriptStore(path: env.databasePath)
        func answer(run: String, seconds: Double, _ i: Int) -> CallRecord {
            CallRecord(
                run: run, provider: "openai", model: "test-llm", parameters: "{}", messages: "[]",
                cacheKey: "\(run)-\(i)", sampleIndex: 0, attempt: 1, status: .ok, responseText: "{}",
                latencyMs: seconds * 1000)
        }
        for i in 0..<5 { _ = try await store.insert(answer(run: "hat-run", seconds: 32, i)) }
        for i in 0..<2 { _ = try await store.insert(answer(run: engine.runID, seconds: 5, i)) }
        // Two of this space's answers are too few to go by: every space's median.
        let few = await engine.estimate().parts.first { $0.name == "labels" }
        XCTAssertTrue(few?.detail.contains("median of 7 earlier answers") ?? false, few?.detail ?? "no labels part")
        _ = try await store.insert(answer(run: engine.runID, seconds: 5, 2))
        let own = await engine.llmSecondsPerAnswer()
        XCTAssertEqual(own?.median, 5)
        XCTAssertEqual(own?.count, 3)
        await engine.shutdown()
    }

    /// An anytime run prices the labels until its switch, moved or not, and a finished run
    /// none (a switch moved from 15 to 3 was still priced at the whole budget's 66 labels, and
    /// a finished run's resume printed 52 labels to go).
    func testAnAnytimeEstimateFollowsTheSwitchAndAFinishedRunHasNoLabelsLeft() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let env = EngineTests.environment(server, dataDir: EngineTests.tempDir())
        var cfg = AnytimeScheduleTests.config()
        cfg.labels = 40
        cfg.switchAt = 5
        let engine = try await Engine.create(config: cfg, environment: env, runID: "anytime-estimate")
        func labels(_ e: RunEstimate) -> String? { e.parts.first { $0.name == "labels" }?.detail }
        // 8 warm-up labels and 4 for each generation before the switch's: 8 + 4 * 4 = 24, not 40.
        let before = await engine.estimate()
        XCTAssertTrue(labels(before)?.hasPrefix("24 answers") ?? false, labels(before) ?? "none")
        _ = await engine.setSwitchPoint(2)
        let moved = await engine.estimate()
        XCTAssertTrue(labels(moved)?.hasPrefix("12 answers") ?? false, labels(moved) ?? "none")
        await engine.start()
        let end = await engine.wait()
        XCTAssertTrue(end.finished)
        let resumed = try await Engine.resume(runID: "anytime-estimate", environment: env)
        let after = await resumed.estimate()
        XCTAssertNil(labels(after), after.line)
        // Nothing at all is left ("search 0 generations ... seconds" read as work to come).
        XCTAssertEqual(after.line, "estimate: nothing left to run")
        await resumed.shutdown()
    }
}

/// A provider whose server has not started yet, with three recorded starts.
struct ColdProvider: LLMProvider {
    let inner: any LLMProvider
    var name: String { inner.name }
    var model: String { inner.model }
    var displayName: String { inner.displayName }
    var maxConcurrency: Int { inner.maxConcurrency }
    var supportsLogprobs: Bool { inner.supportsLogprobs }
    func complete(_ request: CompletionRequest) async throws -> CompletionResponse { try await inner.complete(request) }
    func coldStartCost() async -> ColdStartCost? { ColdStartCost(loadSeconds: 8, firstAnswerSeconds: 45, starts: 3) }
}
