import XCTest

@testable import LLMPPCore

final class LatencyTests: XCTestCase {
    /// HAT's predictor shape on the measured titanxp table: its held-out error is computed
    /// on 400 rows it never saw and stays within what the measurements allow.
    func testPredictorOnMeasuredTableAndCache() throws {
        let s = try Fixtures.space("hat-wmt14ende")
        var cfg = LatencyPredictor.defaultConfig
        cfg.steps = 400
        let cache = Fixtures.tempDirectory()
        let m = try LatencyModel.make(space: s, hardware: "titanxp", cacheDirectory: cache, config: cfg)
        let r = try XCTUnwrap(m.predictor?.report)
        XCTAssertEqual(r.trainRows, 1600)
        XCTAssertEqual(r.heldOutRows, 400)
        XCTAssertEqual(r.steps, 400)
        XCTAssertLessThan(r.meanRelativeError, 0.12, "held-out mean relative error \(r.meanRelativeError)")
        XCTAssertGreaterThan(r.kendall, 0.7)
        // Latency grows with decoder layers: 6 layers are slower than 1 for the same widths.
        var one = s.tables[s.labelled!.table].architectures[0]
        let dl = s.dimensions[s.shape.dimensionIndex("dec_layers")!]
        var six = one
        six.genes[dl.geneOffset] = 5
        one.genes[dl.geneOffset] = 0
        XCTAssertGreaterThan(try m.latencyMs(six), try m.latencyMs(one) * 2)

        // The second make loads the cached predictor: same report, same predictions.
        let files = try FileManager.default.contentsOfDirectory(atPath: cache)
        XCTAssertEqual(files.count, 1)
        let again = try LatencyModel.make(space: s, hardware: "titanxp", cacheDirectory: cache, config: cfg)
        XCTAssertEqual(again.predictor?.report, r)
        XCTAssertEqual(try again.latencyMs(six), try m.latencyMs(six))
        // A corrupted cache is ignored (retrained), not trusted or crashed on.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: (cache as NSString).appendingPathComponent(files[0])))
        let retrained = try LatencyModel.make(space: s, hardware: "titanxp", cacheDirectory: cache, config: cfg)
        XCTAssertEqual(retrained.predictor?.report, r)
    }

    func testUnknownHardwareIsAClearError() throws {
        let s = try Fixtures.space("hat-wmt19ende")
        XCTAssertThrowsError(try LatencyModel.make(space: s, hardware: "xeon", cacheDirectory: nil)) { e in
            XCTAssertTrue("\(e)".contains("no hardware 'xeon' (has: titanxp)"), "\(e)")
        }
    }
}
