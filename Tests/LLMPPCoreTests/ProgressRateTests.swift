import LLMPPCore
import XCTest

final class ProgressRateTests: XCTestCase {
    func testRateElapsedAndETA() {
        let r = ProgressRate(done: 40, total: 100, doneBefore: 10, elapsed: 600)
        XCTAssertEqual(r.perSecond!, 30.0 / 600, accuracy: 1e-12)
        XCTAssertEqual(r.etaSeconds!, 1200, accuracy: 1e-9)
        XCTAssertEqual(r.text, "40/100 · 3.0/min · 10m00s · ETA 20m00s")
        XCTAssertEqual(r.compactText, "40/100 3.0/min ETA 20m00s")
    }

    /// Before anything lands in this process there is no rate, and no ETA made up.
    func testNoRateBeforeTheFirstUnit() {
        let r = ProgressRate(done: 10, total: 100, doneBefore: 10, elapsed: 30)
        XCTAssertNil(r.perSecond)
        XCTAssertNil(r.etaSeconds)
        XCTAssertEqual(r.text, "10/100 · 30s")
        XCTAssertEqual(ProgressRate(done: 5, total: 5, elapsed: 2).text, "5/5 · 2.5/s · 2s")
    }

    func testDurations() {
        XCTAssertEqual(ProgressRate.duration(45.4), "45s")
        XCTAssertEqual(ProgressRate.duration(232), "3m52s")
        XCTAssertEqual(ProgressRate.duration(7500), "2h05m")
        XCTAssertEqual(ProgressRate.duration(.infinity), "?")
        XCTAssertEqual(ProgressRate(done: 1, total: 10, elapsed: 7200).rateText, "0.5/h")
    }
}
