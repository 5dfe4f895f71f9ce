import XCTest
@testable import LLMPPCore

final class BaselineReportTests: XCTestCase {
    /// The paper's Table: Neuron-wise MoS on WMT'14 En-De valid BLEU has MAE 0.87, Kendall 0.79.
    func testNeuronWiseMoSOnWMT14EnDeValid() throws {
        let q = try BaselineReport.compute(space: try Fixtures.space("hat-wmt14ende"), metric: "valid")
        let mos = try XCTUnwrap(q.first { $0.name == "Neuron-wise MoS" })
        XCTAssertEqual(mos.perSeed.map(\.seed), ["123", "456", "789"])
        XCTAssertEqual(try XCTUnwrap(mos.maeMean), 0.87, accuracy: 0.005)
        XCTAssertEqual(try XCTUnwrap(mos.kendallMean), 0.79, accuracy: 0.005)
        XCTAssertEqual(q.map(\.name), ["HAT", "Supernet (Sandwich)", "Layer-wise MoS", "Neuron-wise MoS",
                                       BaselineReport.demoMeanName, BaselineReport.paramsName, BaselineReport.flopsName])
    }

    /// The references computed independently from the raw table agree with the report.
    func testReferencesAgainstAnIndependentComputation() throws {
        let s = try Fixtures.space("hat-wmt14enfr")
        let l = s.labelled!
        let t = s.tables[l.table]
        let bleu = t.columnIndex("test_BLEU")!, params = t.columnIndex("num_parameters_without_embedding_weights")!
        let flops = t.columnIndex("total_flops")!
        func v(_ r: Int, _ c: Int) -> Double { if case .number(let x) = t.cells[r][c] { return x }; return .nan }
        let q = try BaselineReport.compute(space: s, metric: "test", seeds: ["456"])
        let sp = l.split("456")!
        let demo = sp.train.map { v($0, bleu) }.reduce(0, +) / 10
        let mae = sp.test.map { abs(v($0, bleu) - demo) }.reduce(0, +) / 20
        let dm = q.first { $0.name == BaselineReport.demoMeanName }!
        XCTAssertEqual(try XCTUnwrap(dm.maeMean), mae, accuracy: 1e-12)
        XCTAssertNil(dm.kendallMean)
        XCTAssertEqual(dm.maeStd, 0)
        let pk = q.first { $0.name == BaselineReport.paramsName }!
        XCTAssertEqual(try XCTUnwrap(pk.kendallMean), Metrics.kendallTau(sp.test.map { v($0, params) }, sp.test.map { v($0, bleu) }), accuracy: 1e-12)
        XCTAssertNil(pk.maeMean)
        let fk = q.first { $0.name == BaselineReport.flopsName }!
        XCTAssertEqual(try XCTUnwrap(fk.kendallMean), Metrics.kendallTau(sp.test.map { v($0, flops) }, sp.test.map { v($0, bleu) }), accuracy: 1e-12)
        XCTAssertNil(fk.maeMean)
    }

    func testClearErrors() throws {
        XCTAssertThrowsError(try BaselineReport.compute(space: try Fixtures.space("hat-wmt14ende"), metric: "bleu")) {
            XCTAssertTrue("\($0)".contains("no metric 'bleu' (has: valid, test)"), "\($0)")
        }
        XCTAssertThrowsError(try BaselineReport.compute(space: try Fixtures.space("hat-wmt14ende"), metric: "valid", seeds: ["1"]))
        XCTAssertThrowsError(try BaselineReport.compute(space: try Fixtures.space("nb201-cifar10"), metric: "valid")) {
            XCTAssertTrue("\($0)".contains("no demonstration/test splits"), "\($0)")
        }
    }
}
