import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPTestSupport
import XCTest

@testable import LLMPPEngine

/// LLM-PP's leave-one-out calibration in a run (`--evaluate-llm --calibrate shift`): after the
/// test architectures the LLM answers each demonstration from the other nine, and the quality
/// pane's LLM-PP row is corrected by the median error there.
final class CalibrationEngineTests: XCTestCase {
    /// An LLM that ranks perfectly but answers every architecture 2 points too high.
    static func biasedServer() throws -> TestHTTPServer { try EngineTests.llmServer { truth, _ in truth + 2 } }

    func config(_ calibration: LeaveOneOutCalibration.Method) -> RunConfig {
        var c = EngineTests.smallConfig()
        c.evaluateLLM = true
        c.labels = 8
        c.training.steps = 20
        c.evolution = EvolutionConfig.scaled(population: 8, iterations: 2)
        c.switchAt = 1
        c.prediction.calibration = calibration
        return c
    }

    func llmpp(_ calibration: LeaveOneOutCalibration.Method) async throws -> (
        RunState, PredictorQuality, Int, [QualityPoint]
    ) {
        let suffix = calibration == .none ? "" : " (\(calibration.rawValue)-calibrated)"
        let server = try Self.biasedServer()
        defer { server.stop() }
        let engine = try await Engine.create(
            config: config(calibration), environment: EngineTests.environment(server, dataDir: EngineTests.tempDir()))
        await engine.start()
        let state = await engine.wait()
        XCTAssertNil(state.error)
        let q = try await engine.predictorQuality()
        let rows = q.first { $0.0 == "valid" }?.1 ?? []
        let row = try XCTUnwrap(rows.first { $0.name == "LLM-PP" + suffix }, "\(rows.map(\.name))")
        XCTAssertTrue(rows.contains { $0.name == "LLM-Distill-PP" + suffix }, "\(rows.map(\.name))")
        return (state, row, server.requestCount, try await engine.qualityPoints())
    }

    func testShiftRemovesAConstantBiasAndCostsOneAnswerPerDemonstration() async throws {
        let (raw, rawRow, rawRequests, rawPoints) = try await llmpp(.none)
        XCTAssertEqual(rawRequests, 20 + 8, "test architectures and labels only")
        XCTAssertNil(raw.llmppCalibrationAnswers)
        XCTAssertEqual(try XCTUnwrap(rawRow.maeMean), 2, accuracy: 0.01)

        let (shifted, row, requests, points) = try await llmpp(.shift)
        XCTAssertEqual(requests, 20 + 10 + 8, "plus each demonstration from the other nine")
        XCTAssertEqual(shifted.llmppDone, 30)
        let answers = try XCTUnwrap(shifted.llmppCalibrationAnswers)
        XCTAssertEqual(answers.count, 10)
        XCTAssertFalse(answers.contains(nil))
        // The median error is −2: the calibrated answers are the truth up to the answers' rounding.
        XCTAssertEqual(try XCTUnwrap(row.maeMean), 0, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(row.kendallMean), try XCTUnwrap(rawRow.kendallMean), accuracy: 1e-9)
        // The stored predictions stay as answered: the calibration is applied where they are read.
        XCTAssertEqual(shifted.llmppPredictions, raw.llmppPredictions)
        // The student learned the same biased labels (left as answered): its scores take the same shift.
        for (p, r) in zip(points, rawPoints) {
            XCTAssertEqual(try XCTUnwrap(p.student), try XCTUnwrap(r.student) - 2, accuracy: 0.01)
            XCTAssertEqual(try XCTUnwrap(p.llmpp), p.truth, accuracy: 0.01)
        }
    }

    /// The estimate prices the left-out demonstrations apart: their prompts share less of the
    /// cached prefix, so they are timed by earlier answers of their own kind where there are some.
    func testTheEstimatePricesLeaveOneOutAnswersByTheirOwnTimes() async throws {
        let server = try Self.biasedServer()
        defer { server.stop() }
        let env = EngineTests.environment(server, dataDir: EngineTests.tempDir())
        let first = try await Engine.create(config: config(.shift), environment: env)
        let before = await first.estimate()
        XCTAssertTrue(
            try XCTUnwrap(before.parts.first { $0.name == "LLM-PP" }).detail.hasPrefix("20 answers"),
            "\(before.parts.map(\.detail))")
        XCTAssertTrue(
            try XCTUnwrap(before.parts.first { $0.name == "LLM-PP calibration" }).detail.hasPrefix("10 answers"),
            "\(before.parts.map(\.detail))")
        await first.start()
        _ = await first.wait()

        let again = try await Engine.create(config: config(.shift), environment: env)
        let after = await again.estimate()
        let part = try XCTUnwrap(after.parts.first { $0.name == "LLM-PP calibration" })
        XCTAssertTrue(part.detail.contains("median of 10 earlier answers"), part.detail)
        await again.shutdown()
    }
}
