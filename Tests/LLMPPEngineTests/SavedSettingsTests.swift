import Foundation
import XCTest

@testable import LLMPPEngine

/// Settings and saved states no run can hold are refused with their name, never trapped on.
final class SavedSettingsTests: XCTestCase {
    /// `--labels-per-generation 2^63-1` overflowed L(g), on every resume too.
    func testTheAnytimeScheduleRefusesHugeCountsAndNeverOverflows() {
        let huge = AnytimeSchedule(warmupLabels: 2, labelsPerGeneration: .max)
        XCTAssertEqual(huge.problem, "labels per generation must be in 0...1000000, got \(Int.max)")
        XCTAssertEqual(huge.labels(forGeneration: 5, budget: 100), 100)
        XCTAssertEqual(huge.labels(forGeneration: 0, budget: 100), 2)
        let warm = AnytimeSchedule(warmupLabels: .max, labelsPerGeneration: 4)
        XCTAssertEqual(warm.labels(forGeneration: 3, budget: 50), 50)
        XCTAssertNotNil(warm.problem)
        var config = RunConfig(space: "nb201-cifar10")
        config.anytime = huge
        XCTAssertEqual(config.problem, huge.problem, "the schedule is named, not the label budget derived from it")
    }

    /// A hand-edited state with a negative count trapped the resume in `dropFirst`.
    func testADamagedStateIsNamed() {
        var state = RunState(seed: 1)
        XCTAssertNil(state.problem)
        state.labelsDone = -5
        XCTAssertEqual(state.problem, "labelsDone is negative (-5)")
        state.labelsDone = 0
        state.expensiveSeconds = .infinity
        XCTAssertEqual(state.problem, "a cost or time is not a finite, non-negative number")
    }
}
