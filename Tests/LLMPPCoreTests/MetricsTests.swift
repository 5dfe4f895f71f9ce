import XCTest

@testable import LLMPPCore

final class MetricsTests: XCTestCase {
    // Expected values from scipy.stats.kendalltau / spearmanr (scipy 1.17.1) on the same inputs.
    let cases: [([Double], [Double], Double, Double)] = [
        ([1, 2, 3, 4, 5], [5, 6, 7, 8, 7], 0.7378647873726218, 0.8207826816681233),
        ([1, 1, 2, 2, 3, 3], [1, 2, 1, 3, 3, 2], 0.41666666666666674, 0.5000000000000001),
        ([3.1, 2.2, 2.2, 5.0, 1.0, 4.4, 4.4], [10, 20, 20, 30, 5, 25, 40], 0.66688592885535, 0.8257228238447706),
    ]

    func testKendallTauBMatchesScipyWithTies() {
        for (x, y, tau, _) in cases { XCTAssertEqual(Metrics.kendallTau(x, y), tau, accuracy: 1e-12) }
        XCTAssertEqual(Metrics.kendallTau([1, 2, 3], [3, 2, 1]), -1, accuracy: 1e-15)
        XCTAssertTrue(Metrics.kendallTau([1, 1, 1], [1, 2, 3]).isNaN)  // scipy gives nan for a constant input
    }

    func testMergeSortKendallEqualsThePairwiseCount() {
        for (x, y, tau, _) in cases { XCTAssertEqual(KendallMergeSort.tauB(x, y), tau, accuracy: 1e-12) }
        var rng = SeededGenerator(seed: 7)
        for n in [2, 3, 17, 300, 1000] {
            // Few distinct values, so ties in x, in y and in both are common.
            let x = (0..<n).map { _ in Double(Int.random(in: 0..<9, using: &rng)) }
            let y = x.map { $0 + Double(Int.random(in: -3..<4, using: &rng)) }
            XCTAssertEqual(KendallMergeSort.tauB(x, y), Metrics.pairwiseTauB(x, y), accuracy: 1e-12, "n = \(n)")
            XCTAssertEqual(Metrics.kendallTau(x, y), Metrics.pairwiseTauB(x, y), accuracy: 1e-12)
        }
        XCTAssertTrue(KendallMergeSort.tauB([4, 4, 4], [1, 2, 3]).isNaN)
    }

    func testSpearmanMatchesScipy() {
        for (x, y, _, rho) in cases { XCTAssertEqual(Metrics.spearman(x, y), rho, accuracy: 1e-12) }
        XCTAssertEqual(Metrics.ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1])
    }

    func testMAEMeanStd() {
        XCTAssertEqual(Metrics.mae([1, 2, 3], [2, 2, 5]), 1)
        XCTAssertEqual(Metrics.mean([1, 2, 3, 4]), 2.5)
        XCTAssertEqual(Metrics.std([2, 4, 4, 4, 5, 5, 7, 9]), 2)  // population std
        XCTAssertTrue(Metrics.mae([], []).isNaN)
    }
}
