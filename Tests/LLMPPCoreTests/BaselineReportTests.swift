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
        XCTAssertEqual(
            q.map(\.name),
            [
                "HAT", "Supernet (Sandwich)", "Layer-wise MoS", "Neuron-wise MoS", "HAT (shift-calibrated)",
                "Supernet (Sandwich) (shift-calibrated)", "Layer-wise MoS (shift-calibrated)",
                "Neuron-wise MoS (shift-calibrated)", BaselineReport.demoMeanName, BaselineReport.lineName,
                BaselineReport.ridgeName,
                BaselineReport.paramsName, BaselineReport.flopsName,
            ])
    }

    /// A supernet shifted by the median of (truth − prediction) over the split's 10
    /// demonstrations, as LLM-PP's answers are, against NumPy on the CSV (np.median, np.mean),
    /// every task and seed, valid BLEU; a shift keeps the order, so Kendall is the raw row's.
    func testShiftCalibratedSupernetsAgainstNumPy() throws {
        let numpy: [(String, String, Double, Double)] = [
            ("hat-wmt14ende", "123", 0.24300000, 0.15500000),
            ("hat-wmt14ende", "456", 0.30250000, 0.13750000),
            ("hat-wmt14ende", "789", 0.29200000, 0.13650000),
            ("hat-wmt14enfr", "123", 0.23600000, 0.15050000),
            ("hat-wmt14enfr", "456", 0.26200000, 0.16700000),
            ("hat-wmt14enfr", "789", 0.25200000, 0.14650000),
            ("hat-wmt19ende", "123", 0.21200000, 0.27750000),
            ("hat-wmt19ende", "456", 0.18500000, 0.27800000),
            ("hat-wmt19ende", "789", 0.21500000, 0.27300000),
        ]
        for task in ["hat-wmt14ende", "hat-wmt14enfr", "hat-wmt19ende"] {
            let q = try BaselineReport.compute(space: try Fixtures.space(task), metric: "valid")
            func row(_ name: String) throws -> PredictorQuality { try XCTUnwrap(q.first { $0.name == name }) }
            let hat = try row(BaselineReport.shiftCalibratedName("HAT"))
            let mos = try row(BaselineReport.shiftCalibratedName("Neuron-wise MoS"))
            XCTAssertEqual(mos.kendallMean, try row("Neuron-wise MoS").kendallMean)
            for (i, r) in numpy.filter({ $0.0 == task }).enumerated() {
                XCTAssertEqual(try XCTUnwrap(hat.perSeed[i].mae), r.2, accuracy: 1e-9, "\(task) \(r.1)")
                XCTAssertEqual(try XCTUnwrap(mos.perSeed[i].mae), r.3, accuracy: 1e-9, "\(task) \(r.1)")
            }
        }
    }

    /// The references computed independently from the raw table agree with the report.
    func testReferencesAgainstAnIndependentComputation() throws {
        let s = try Fixtures.space("hat-wmt14enfr")
        let l = s.labelled!
        let t = s.tables[l.table]
        let bleu = t.columnIndex("test_BLEU")!
        let params = t.columnIndex("num_parameters_without_embedding_weights")!
        let flops = t.columnIndex("total_flops")!
        func v(_ r: Int, _ c: Int) -> Double {
            if case .number(let x) = t.cells[r][c] { return x }
            return .nan
        }
        let q = try BaselineReport.compute(space: s, metric: "test", seeds: ["456"])
        let sp = l.split("456")!
        let demo = sp.train.map { v($0, bleu) }.reduce(0, +) / 10
        let mae = sp.test.map { abs(v($0, bleu) - demo) }.reduce(0, +) / 20
        let dm = q.first { $0.name == BaselineReport.demoMeanName }!
        XCTAssertEqual(try XCTUnwrap(dm.maeMean), mae, accuracy: 1e-12)
        XCTAssertNil(dm.kendallMean)
        XCTAssertEqual(dm.maeStd, 0)
        let pk = q.first { $0.name == BaselineReport.paramsName }!
        XCTAssertEqual(
            try XCTUnwrap(pk.kendallMean),
            Metrics.kendallTau(sp.test.map { v($0, params) }, sp.test.map { v($0, bleu) }), accuracy: 1e-12)
        XCTAssertNil(pk.maeMean)
        let fk = q.first { $0.name == BaselineReport.flopsName }!
        XCTAssertEqual(
            try XCTUnwrap(fk.kendallMean),
            Metrics.kendallTau(sp.test.map { v($0, flops) }, sp.test.map { v($0, bleu) }), accuracy: 1e-12)
        XCTAssertNil(fk.maeMean)
    }

    /// The fits of the 10 demonstrations against NumPy (np.polyfit on log #params; ridge λ = 5
    /// on the 10 HAT features + log #params, standardised with the population std, intercept
    /// the demonstrations' mean; scipy's kendalltau), every task and seed, valid BLEU.
    func testDemonstrationFitsAgainstNumPy() throws {
        let numpy: [(String, String, Double, Double, Double, Double)] = [
            ("hat-wmt14ende", "123", 0.37081880, 0.52910794, 0.36526890, 0.66315789),
            ("hat-wmt14ende", "456", 0.33452397, 0.61375661, 0.24870517, 0.79683655),
            ("hat-wmt14ende", "789", 0.33311857, 0.60686227, 0.29987382, 0.65963290),
            ("hat-wmt14enfr", "123", 0.28654489, 0.66666667, 0.24169288, 0.84960718),
            ("hat-wmt14enfr", "456", 0.28514797, 0.73740312, 0.27250420, 0.84960718),
            ("hat-wmt14enfr", "789", 0.27076739, 0.67374242, 0.21198451, 0.81794480),
            ("hat-wmt19ende", "123", 0.22651755, 0.65957447, 0.32681697, 0.69842247),
            ("hat-wmt19ende", "456", 0.29018147, 0.68435254, 0.38064058, 0.69129528),
            ("hat-wmt19ende", "789", 0.26595112, 0.72872340, 0.34223257, 0.64551168),
        ]
        for task in ["hat-wmt14ende", "hat-wmt14enfr", "hat-wmt19ende"] {
            let q = try BaselineReport.compute(space: try Fixtures.space(task), metric: "valid")
            let line = try XCTUnwrap(q.first { $0.name == BaselineReport.lineName })
            let ridge = try XCTUnwrap(q.first { $0.name == BaselineReport.ridgeName })
            for (i, row) in numpy.filter({ $0.0 == task }).enumerated() {
                XCTAssertEqual(line.perSeed[i].seed, row.1)
                XCTAssertEqual(try XCTUnwrap(line.perSeed[i].mae), row.2, accuracy: 1e-6, "\(task) \(row.1)")
                XCTAssertEqual(try XCTUnwrap(line.perSeed[i].kendall), row.3, accuracy: 1e-6, "\(task) \(row.1)")
                XCTAssertEqual(try XCTUnwrap(ridge.perSeed[i].mae), row.4, accuracy: 1e-6, "\(task) \(row.1)")
                XCTAssertEqual(try XCTUnwrap(ridge.perSeed[i].kendall), row.5, accuracy: 1e-6, "\(task) \(row.1)")
            }
        }
    }

    /// The ridge solve against plain Gaussian elimination, and the line through two points.
    func testRidgeAndLineOnSmallCases() {
        let f = DemonstrationFits.line(x: [1, 2, 3], y: [2, 4, 6])
        XCTAssertEqual(f.slope, 2, accuracy: 1e-12)
        XCTAssertEqual(f.intercept, 0, accuracy: 1e-12)
        XCTAssertEqual(DemonstrationFits.line(x: [1, 1], y: [3, 5]).slope, 0)
        let x: [[Double]] = [[1, 0, 2], [2, 1, 0], [3, 5, 1], [4, 2, 2], [0, 1, 1]]
        let y: [Double] = [1, 3, 2, 5, 0]
        let r = DemonstrationFits.Ridge(x: x, y: y, lambda: 0.5)
        // Independent: standardise, build the normal equations, eliminate.
        let d = 3
        let n = Double(x.count)
        let mu = (0..<d).map { j in x.map { $0[j] }.reduce(0, +) / n }
        let sd = (0..<d).map { j in (x.map { ($0[j] - mu[j]) * ($0[j] - mu[j]) }.reduce(0, +) / n).squareRoot() }
        let ym = y.reduce(0, +) / n
        let z = x.map { row in (0..<d).map { j in (row[j] - mu[j]) / sd[j] } }
        var a = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: d)
        for i in 0..<d {
            for j in 0..<d {
                var sum = 0.0
                for row in z { sum += row[i] * row[j] }
                a[i][j] = sum + (i == j ? 0.5 : 0)
            }
            var rhs = 0.0
            for (row, yi) in zip(z, y) { rhs += row[i] * (yi - ym) }
            a[i][d] = rhs
        }
        for c in 0..<d {
            for r2 in 0..<d where r2 != c {
                let m = a[r2][c] / a[c][c]
                for k in 0...d { a[r2][k] -= m * a[c][k] }
            }
        }
        let w = (0..<d).map { a[$0][d] / a[$0][$0] }
        for (got, want) in zip(r.weights, w) { XCTAssertEqual(got, want, accuracy: 1e-10) }
        XCTAssertEqual(r.predict(mu), ym, accuracy: 1e-12)
        // Fewer rows than columns: the dual solve gives the primal weights.
        var rng = SeededGenerator(seed: 3)
        let wide = (0..<6).map { _ in (0..<15).map { _ in rng.unit() } }
        let target = (0..<6).map { _ in rng.unit() }
        let zw = DemonstrationFits.Ridge(x: wide, y: target, lambda: 2)
        let centred = target.map { $0 - zw.intercept }
        let standardised = wide.map { row in (0..<15).map { (row[$0] - zw.means[$0]) / zw.scales[$0] } }
        let primal = DemonstrationFits.Ridge.primal(standardised, centred, 2, 15)
        for (got, want) in zip(zw.weights, primal) { XCTAssertEqual(got, want, accuracy: 1e-10) }
    }

    func testClearErrors() throws {
        XCTAssertThrowsError(try BaselineReport.compute(space: try Fixtures.space("hat-wmt14ende"), metric: "bleu")) {
            XCTAssertTrue("\($0)".contains("no metric 'bleu' (has: valid, test)"), "\($0)")
        }
        XCTAssertThrowsError(
            try BaselineReport.compute(space: try Fixtures.space("hat-wmt14ende"), metric: "valid", seeds: ["1"]))
        XCTAssertThrowsError(
            try BaselineReport.compute(space: try Fixtures.space("nb201-cifar10"), metric: "valid", seeds: ["x"])
        ) {
            XCTAssertTrue("\($0)".contains("split seed 'x' must be an integer"), "\($0)")
        }
    }

    /// A space that draws its splits (NAS-Bench-201) gets the references on the drawn splits
    /// `predict` uses: they were missing there, so LLM-PP stood alone in its table.
    func testReferencesOnDrawnSplits() throws {
        let s = try Fixtures.space("nb201-cifar10")
        let l = s.labelled!
        let all = try BaselineReport.compute(space: s, metric: "valid")
        // The expensive evaluator (12-epoch training) as a predictor, raw and shifted, first.
        XCTAssertEqual(
            all.map(\.name),
            ["12-epoch accuracy", BaselineReport.shiftCalibratedName("12-epoch accuracy")]
                + BaselineReport.referenceNames)
        let q = Array(all.dropFirst(2))
        XCTAssertEqual(q[0].perSeed.map(\.seed), ["1", "2", "3"])
        let rows = s.tables[l.table].architectures.count
        func truth(_ r: Int) throws -> Double {
            try s.evaluate(l.truth["valid"]!, s.tables[l.table].architectures[r], row: (l.table, r))
        }
        let maes = try ["1", "2", "3"].map { seed -> Double in
            let sp = try XCTUnwrap(l.resolveSplit(seed, rowCount: rows))
            let mean = try sp.train.map(truth).reduce(0, +) / 10
            return try sp.test.map { abs(try truth($0) - mean) }.reduce(0, +) / 20
        }
        XCTAssertEqual(try XCTUnwrap(q[0].maeMean), maes.reduce(0, +) / 3, accuracy: 1e-12)
        for r in q.dropFirst() { XCTAssertNotNil(r.kendallMean, r.name) }
    }
}
