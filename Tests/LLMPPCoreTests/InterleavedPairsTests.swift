import XCTest

@testable import LLMPPCore

final class InterleavedPairsTests: XCTestCase {
    /// A B, then B A: each side gets the slot it runs in, and the ratios pair A with B.
    func testTheOrderAlternatesAndEachSideGetsItsSlot() async {
        var calls: [String] = []
        let pairs = await InterleavedPairs.run(
            3,
            a: { slot in
                calls.append("a\(slot)")
                return Double(10 + slot)
            },
            b: { slot in
                calls.append("b\(slot)")
                return Double(1 + slot)
            })
        XCTAssertEqual(calls, ["a0", "b1", "b2", "a3", "a4", "b5"])
        XCTAssertEqual(pairs.a, [10, 13, 14])
        XCTAssertEqual(pairs.b, [2, 3, 6])
        XCTAssertEqual(pairs.ratios, [5, 13.0 / 3, 14.0 / 6])
    }

    /// A side that cannot run (the NumPy reference missing) ends the pairs; the finished ones stay.
    func testANilSideEndsThePairs() async {
        let pairs = await InterleavedPairs.run(4, a: { _ in 1 }, b: { slot in slot < 3 ? 2 : nil })
        XCTAssertEqual(pairs.a, [1, 1])
        XCTAssertEqual(pairs.b, [2, 2])
    }
}
