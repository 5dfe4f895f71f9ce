import XCTest

@testable import LLMPPCore

final class CalibrationTests: XCTestCase {
    // Answers 1 too high except one wild answer: the shift is the median error, not the mean.
    let answers: [Double?] = [21, 22, 23, 24, 40, nil]
    let truths: [Double] = [20, 21, 22, 23, 24, 25]

    func testShiftIsTheMedianErrorOverAnsweredDemonstrations() {
        let c = LeaveOneOutCalibration(method: .shift, answers: answers, truths: truths)
        // truth − answer over the five answered: −1, −1, −1, −1, −16 → median −1.
        XCTAssertEqual(c.answered, 5)
        XCTAssertEqual(c.intercept, -1)
        XCTAssertEqual(c.slope, 1)
        XCTAssertEqual(c.apply(30), 29)
    }

    func testAffineIsTheLeastSquaresLineOfTruthOnAnswer() {
        // Compressed answers: truth = 2 * answer − 20 exactly.
        let c = LeaveOneOutCalibration(method: .affine, answers: [20, 20.5, 21, 21.5], truths: [20, 21, 22, 23])
        XCTAssertEqual(c.slope, 2, accuracy: 1e-12)
        XCTAssertEqual(c.intercept, -20, accuracy: 1e-12)
        XCTAssertEqual(c.apply(22), 24, accuracy: 1e-12)
    }

    func testAffineFallsBackToTheShiftWhereTheLineWouldNotKeepTheOrder() {
        // Equal answers (slope 0) or anti-correlated ones would reorder or flatten predictions.
        let flat = LeaveOneOutCalibration(method: .affine, answers: [20, 20, 20], truths: [21, 22, 26])
        XCTAssertEqual(flat.slope, 1)
        XCTAssertEqual(flat.intercept, 2)
        let reversed = LeaveOneOutCalibration(method: .affine, answers: [20, 21, 22], truths: [22, 21, 20])
        XCTAssertEqual(reversed.slope, 1)
        XCTAssertEqual(reversed.intercept, 0)
    }

    func testTooFewAnswersOrNoneLeaveAnswersAlone() {
        for method in LeaveOneOutCalibration.Method.allCases {
            let c = LeaveOneOutCalibration(method: method, answers: [25, nil, nil], truths: [20, 21, 22])
            XCTAssertEqual(c.method, .none)
            XCTAssertEqual(c.apply(25), 25)
        }
        XCTAssertEqual(LeaveOneOutCalibration(method: .none, answers: answers, truths: truths).apply(31.5), 31.5)
    }

    func testAMappedDistributionKeepsItsProbabilitiesAndMovesItsQuantiles() throws {
        let d = try XCTUnwrap(
            ScoreDistribution(
                points: [.init(25.15, 0.2), .init(25.25, 0.5), .init(25.35, 0.3)], source: .digitTree, greedy: 25.2))
        let m = try XCTUnwrap(d.mapped { $0 - 0.4 })
        XCTAssertEqual(m.points.map(\.value), [24.75, 24.85, 24.95])
        XCTAssertEqual(m.points.map(\.probability), [0.2, 0.5, 0.3])
        XCTAssertEqual(m.median, 24.85)
        XCTAssertEqual(m.greedy, 24.8)
        XCTAssertEqual(m.source, .digitTree)
    }

    func testLeavingOutKeepsTheOthersInTheirOrder() {
        let (left, others) = LeaveOneOutCalibration.leaveOut(1, of: [("a", 1), ("b", 2), ("c", 3)])
        XCTAssertEqual(left, "b")
        XCTAssertEqual(others.map(\.0), ["a", "c"])
        XCTAssertEqual(others.map(\.1), [1, 3])
    }
}
