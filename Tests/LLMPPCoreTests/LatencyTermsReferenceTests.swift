import Foundation
import XCTest

@testable import LLMPPCore

/// The least-squares reference beside a latency predictor, against a computation of its own:
/// the five terms from the data README's MAC formulas on the raw CSV columns (S_j = 30 k_j,
/// the table's decoder_arbitrary_ende_attn_avg being k), solved by normal equations without
/// standardising, on the predictor's own split.
final class LatencyTermsReferenceTests: XCTestCase {
    func testTheReferenceMatchesAnIndependentFitOnEveryHATTable() throws {
        for (space, vocabulary) in [("hat-wmt14ende", 32768.0), ("hat-wmt19ende", 49600.0)] {
            let s = try Fixtures.space(space)
            let file = (s.directory as NSString).appendingPathComponent(
                "data/latency/\(space.dropFirst(4))_gpu_titanxp_all.csv")
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
            let header = lines[0].split(separator: ",").map(String.init)
            let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
            func col(_ r: [Double], _ name: String) -> Double { r[header.firstIndex(of: name)!] }
            let terms = rows.map { r -> [Double] in
                let (de, dd) = (col(r, "encoder_embed_dim"), col(r, "decoder_embed_dim"))
                let (le, ld) = (col(r, "encoder_layer_num"), col(r, "decoder_layer_num"))
                let (fe, fd) = (col(r, "encoder_ffn_embed_dim_avg"), col(r, "decoder_ffn_embed_dim_avg"))
                let sj = 30 * col(r, "decoder_arbitrary_ende_attn_avg")
                let encoder = le * (4 * 30 * de * 512 + 2 * 900 * 512 + 30 * 512 + 2 * 30 * de * fe + 2 * 30 * de)
                let decoder =
                    ld
                    * (6 * 30 * dd * 512 + 2 * 900 * 512 + 2 * sj * de * 512 + 2 * 30 * sj * 512 + 2 * 30 * dd * fd
                        + 2 * 30 * 512 + 3 * 30 * dd + 6)
                return [le, ld, encoder / 1e9, decoder / 1e9, 30 * dd * vocabulary / 1e9]
            }
            let latency = rows.map { col($0, "latency_mean_encoder") + col($0, "latency_mean_decoder") }
            let (train, heldOut) = LatencyPredictor.heldOutSplit(rows: rows.count, seed: 0)
            // Every table has 6 encoder layers: that term is the intercept again, left out here
            // (the normal equations would be singular).
            XCTAssertEqual(Set(terms.map { $0[0] }), [6])
            func inputs(_ i: Int) -> [Double] { [1] + terms[i].dropFirst() }
            let beta = Self.leastSquares(train.map(inputs), train.map { latency[$0] })
            let predicted = heldOut.map { i in zip(inputs(i), beta).map(*).reduce(0, +) }
            let measured = heldOut.map { latency[$0] }
            let expected = LatencyAccuracy(predicted: predicted, measured: measured)

            let ref = try XCTUnwrap(LatencyTermsReference.of(space: s, hardware: "titanxp"))
            XCTAssertEqual(ref.name, "least squares on 5 latency terms")
            XCTAssertEqual(ref.trainRows, 1600)
            XCTAssertEqual(ref.heldOut.count, 400)
            XCTAssertEqual(ref.maeMs, Metrics.mae(predicted, measured), accuracy: 1e-6, space)
            XCTAssertEqual(
                ref.heldOut.meanAbsolutePercentageError, expected.meanAbsolutePercentageError, accuracy: 1e-9, space)
            XCTAssertEqual(ref.heldOut.kendall, expected.kendall, accuracy: 1e-9, space)
        }
        XCTAssertNil(try LatencyTermsReference.of(space: try Fixtures.space("nb201-cifar10"), hardware: "raspi4"))
    }

    /// A space may name a term twice, or one the table holds constant (HAT's 6 encoder
    /// layers): the reference's tiny penalty keeps the fit solvable and its predictions exact
    /// (without it the prediction below was 2e270).
    func testRepeatedAndConstantTermsStaySolvable() {
        let x = (0..<100).map { i in [Double(i), Double(i), 6] }
        let fit = DemonstrationFits.Ridge(x: x, y: x.map { 2 * $0[0] + 1 }, lambda: LatencyTermsReference.penalty)
        XCTAssertEqual(fit.predict([50, 50, 6]), 101, accuracy: 1e-3)
        XCTAssertTrue(fit.weights.allSatisfy(\.isFinite), "\(fit.weights)")
    }

    /// (XᵀX) β = Xᵀy by Gaussian elimination with partial pivoting.
    static func leastSquares(_ x: [[Double]], _ y: [Double]) -> [Double] {
        let d = x[0].count
        var a = (0..<d).map { i in (0..<d).map { j in zip(x, x).map { $0[i] * $1[j] }.reduce(0, +) } }
        var b = (0..<d).map { i in zip(x, y).map { $0[i] * $1 }.reduce(0, +) }
        for c in 0..<d {
            let p = (c..<d).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, p)
            b.swapAt(c, p)
            for r in (c + 1)..<d {
                let f = a[r][c] / a[c][c]
                for k in c..<d { a[r][k] -= f * a[c][k] }
                b[r] -= f * b[c]
            }
        }
        var beta = [Double](repeating: 0, count: d)
        for r in stride(from: d - 1, through: 0, by: -1) {
            beta[r] = (b[r] - ((r + 1)..<d).map { a[r][$0] * beta[$0] }.reduce(0, +)) / a[r][r]
        }
        return beta
    }
}
