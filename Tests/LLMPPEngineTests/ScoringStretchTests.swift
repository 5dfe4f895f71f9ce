import LLMPPEngine
import XCTest

/// A switch moved back after it was reached: the summary names every stretch of generations
/// with its predictor (it said only "switch at 23").
final class ScoringStretchTests: XCTestCase {
    func testAMovedSwitchMakesThreeStretches() {
        let sources: [ScoreSource] =
            Array(repeating: .distill, count: 17) + Array(repeating: .expensive, count: 6)
            + Array(repeating: .distill, count: 7)
        let log = sources.enumerated().reversed().map {
            GenerationRecord(
                index: $0.offset, scoredBy: $0.element, studentLabels: nil, wallSeconds: 0, newExpensiveEvaluations: 0)
        }
        let stretches = ScoringStretch.of(log)
        XCTAssertEqual(
            stretches.map { $0.text(evaluator: "12-epoch training") },
            ["0-16 LLM-Distill-PP", "17-22 12-epoch training", "23-29 LLM-Distill-PP"])
        XCTAssertEqual(ScoringStretch.of(Array(log.suffix(1))).map { $0.text(evaluator: "e") }, ["0 LLM-Distill-PP"])
        XCTAssertEqual(ScoringStretch.of([]), [])
    }
}
