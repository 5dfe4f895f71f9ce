import CKernels
import Foundation
import LLMPPTestSupport
import XCTest

@testable import LLMPPCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

final class MLPTests: XCTestCase {
    /// Backpropagated gradients equal central finite differences (Double precision).
    func testGradientCheck() {
        let net = MLP<Double>(widths: [3, 5, 4, 1], seed: 3)
        var rng = SeededGenerator(seed: 4)
        let b = 6
        let x = (0..<(b * 3)).map { _ in rng.normal() }
        let t = (0..<b).map { _ in rng.normal() }
        var ws = MLP<Double>.Workspace(widths: net.widths, batch: b)
        var gw = net.weights.map { [Double](repeating: 0, count: $0.count) }
        var gb = net.biases.map { [Double](repeating: 0, count: $0.count) }
        _ = net.lossAndGradients(x, t, count: b, ws: &ws, gradW: &gw, gradB: &gb)
        func loss(_ n: MLP<Double>) -> Double {
            let y = n.forward(x, count: b)
            return zip(y, t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(b)
        }
        let h = 1e-6
        var checked = 0
        for l in 0..<net.layerCount {
            for i in net.weights[l].indices {
                var p = net
                var m = net
                p.weights[l][i] += h
                m.weights[l][i] -= h
                let numeric = (loss(p) - loss(m)) / (2 * h)
                XCTAssertEqual(gw[l][i], numeric, accuracy: 1e-6 * max(1, abs(numeric)), "W\(l)[\(i)]")
                checked += 1
            }
            for i in net.biases[l].indices {
                var p = net
                var m = net
                p.biases[l][i] += h
                m.biases[l][i] -= h
                XCTAssertEqual(gb[l][i], (loss(p) - loss(m)) / (2 * h), accuracy: 1e-6, "b\(l)[\(i)]")
            }
        }
        XCTAssertEqual(checked, 3 * 5 + 5 * 4 + 4)
    }

    /// A known smooth function of two inputs is learned to a small held-out error.
    func testLearnsAKnownFunction() {
        var rng = SeededGenerator(seed: 8)
        func f(_ a: Double, _ b: Double) -> Double { sin(2 * a) + b * b - 0.5 * a * b }
        let xs = (0..<600).map { _ in [rng.unit() * 2 - 1, rng.unit() * 2 - 1] }
        let ys = xs.map { f($0[0], $0[1]) }
        var tr = MLPTrainer<Float>(
            inputs: Array(xs[..<500]), targets: Array(ys[..<500]),
            config: TrainingConfig(hidden: [32, 32], learningRate: 3e-3, steps: 1500, batchSize: 64, seed: 1))
        let before = tr.loss(inputs: Array(xs[500...]), targets: Array(ys[500...]))
        tr.train(steps: 1500)
        let after = tr.loss(inputs: Array(xs[500...]), targets: Array(ys[500...]))
        XCTAssertEqual(tr.step, 1500)
        XCTAssertEqual(tr.losses.count, 1500)
        XCTAssertLessThan(after, 0.01, "held-out MSE \(after) (before training \(before))")
        XCTAssertLessThan(after, before / 20)
    }

    func testTrainingIsDeterministicAndChunkable() {
        let xs = (0..<50).map { [Double($0) / 50, Double($0 % 7) / 7] }
        let ys = xs.map { $0[0] - $0[1] }
        let cfg = TrainingConfig(hidden: [8], learningRate: 1e-2, steps: 40, batchSize: 16, seed: 5)
        var a = MLPTrainer<Float>(inputs: xs, targets: ys, config: cfg)
        var b = a
        a.train(steps: 40)
        b.train(steps: 15)
        b.train(steps: 10)
        b.train(steps: 100)
        XCTAssertEqual(a.model.weights, b.model.weights)
        XCTAssertEqual(a.losses, b.losses)
        XCTAssertTrue(b.finished)
        var c = MLPTrainer<Float>(
            inputs: xs, targets: ys,
            config: TrainingConfig(hidden: [8], learningRate: 1e-2, steps: 40, batchSize: 16, seed: 6))
        c.train(steps: 40)
        XCTAssertNotEqual(a.model.weights, c.model.weights)
    }

    /// A learning rate far too high makes the loss inf/NaN: the chunk throws naming the
    /// first bad step and leaves the trainer as it was (its checkpoint holds no NaN).
    func testDivergingChunkThrowsAndIsNotKept() throws {
        let xs = (0..<50).map { [Double($0) / 50, Double($0 % 7) / 7] }
        let ys = xs.map { $0[0] - $0[1] }
        var t = MLPTrainer<Float>(
            inputs: xs, targets: ys,
            config: TrainingConfig(hidden: [8], learningRate: 1e30, steps: 40, batchSize: 16, seed: 5))
        let before = t.model.weights
        XCTAssertThrowsError(try t.trainChecked(steps: 20)) { e in
            let d = e as? TrainingDiverged
            XCTAssertNotNil(d, "\(e)")
            XCTAssertFalse(d?.loss.isFinite ?? true)
            XCTAssertTrue((2...20).contains(d?.step ?? 0), "\(e)")
            XCTAssertTrue("\(e)".hasPrefix("training diverged (loss "), "\(e)")
            XCTAssertTrue("\(e)".hasSuffix(" at step \(d?.step ?? 0)): lower --train-lr"), "\(e)")
        }
        XCTAssertEqual(t.step, 0)
        XCTAssertEqual(t.losses, [])
        XCTAssertEqual(t.model.weights, before)
        var ok = MLPTrainer<Float>(
            inputs: xs, targets: ys,
            config: TrainingConfig(hidden: [8], learningRate: 1e-2, steps: 40, batchSize: 16, seed: 5))
        XCTAssertTrue(try ok.trainChecked(steps: 20).isFinite)
        XCTAssertEqual(ok.step, 20)
    }

    func testSerializationRoundTripAndCorruption() throws {
        let net = MLP<Float>(widths: [10, 400, 400, 400, 400, 1], seed: 2)
        XCTAssertEqual(net.parameterCount, 10 * 400 + 400 + 3 * (400 * 400 + 400) + 401)
        let d = net.serialized()
        let back = try MLP<Float>(serialized: d)
        XCTAssertEqual(back.widths, net.widths)
        XCTAssertEqual(back.weights, net.weights)
        XCTAssertEqual(back.biases, net.biases)
        XCTAssertThrowsError(try MLP<Float>(serialized: d.prefix(100)))
        XCTAssertThrowsError(try MLP<Double>(serialized: d))
        XCTAssertThrowsError(try MLP<Float>(serialized: Data()))
    }
}

final class StudentAndChartTests: XCTestCase {
    func testStudentSerializationRoundTripsAndKeysSeparateLabels() throws {
        let xs = (0..<40).map { i in [Double(i) / 40, Double(i % 7) / 7] }
        let ys = xs.map { $0[0] * 3 + $0[1] }
        var t = StudentTrainer(
            featureSet: "f", features: xs, labels: ys,
            config: TrainingConfig(hidden: [8], learningRate: 1e-2, steps: 50, batchSize: 8, seed: 2))
        t.train(steps: 50)
        let back = try StudentModel(serialized: try t.model.serialized())
        XCTAssertEqual(back.predict(features: xs), t.model.predict(features: xs))
        XCTAssertEqual(back.featureSet, "f")
        XCTAssertThrowsError(try StudentModel(serialized: Data("garbage".utf8)))
        let cfg = TrainingConfig()
        let k = StudentModel.cacheKey(featureSet: "f", ids: ["a", "b"], labels: [1, 2], config: cfg)
        XCTAssertEqual(k, StudentModel.cacheKey(featureSet: "f", ids: ["a", "b"], labels: [1, 2], config: cfg))
        XCTAssertNotEqual(
            k, StudentModel.cacheKey(featureSet: "f", ids: ["a", "b"], labels: [1, 2.0000001], config: cfg))
        XCTAssertNotEqual(k, StudentModel.cacheKey(featureSet: "f", ids: ["b", "a"], labels: [2, 1], config: cfg))
        XCTAssertNotEqual(
            k,
            StudentModel.cacheKey(featureSet: "f", ids: ["a", "b"], labels: [1, 2], config: TrainingConfig(steps: 10)))
    }

    func testMedian() {
        XCTAssertEqual(Metrics.median([3, 1, 2]), 2)
        XCTAssertEqual(Metrics.median([4, 1, 2, 3]), 2.5)
        XCTAssertTrue(Metrics.median([]).isNaN)
    }

    func testSVGChartIsWellFormedWithEscapedNamesAndNiceTicks() throws {
        XCTAssertEqual(SVGChart.ticks(0, 10, count: 5), [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(SVGChart.ticks(0.13, 0.91, count: 4), [0.2, 0.4, 0.6, 0.8])
        let svg = SVGChart(
            title: "a < b & c", xLabel: "x", yLabel: "y",
            series: [
                .init(name: "front <1>", points: [(1, 2), (2, 3), (3, .nan)]),
                .init(name: "dots", points: [(0, 0)], line: false),
                .init(name: "empty", points: []),
            ]
        ).render()
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertTrue(svg.contains("a &lt; b &amp; c"))
        XCTAssertTrue(svg.contains("front &lt;1&gt;"))
        XCTAssertFalse(svg.contains("nan"))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 1)
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    /// The whole document, byte for byte: frame, ticks, labels, lines, points and legend.
    func testSVGChartSnapshot() throws {
        let svg = SVGChart(
            title: "Pareto fronts", xLabel: "latency (ms)", yLabel: "test BLEU",
            series: [
                .init(name: "paper", points: [(120, 26.1), (140, 26.9), (163.5, 27.31)]),
                .init(name: "baseline only", points: [(118, 26.0), (150, 27.1)], line: false),
                .init(name: "flat", points: [(130, 26.5)]),
            ]
        ).render()
        try TextSnapshot.assert(svg, "chart-svg", directory: EncodingTests.snapshots)
    }
}

final class BLASCoreTests: XCTestCase {
    /// On this project's VMs Debian's OpenBLAS fell back to Prescott's SSE3 kernels on a CPU
    /// with AVX-512 (the search benchmark ran 1.8x slower than on SkylakeX's).
    func testAFallbackToPrescottIsReplacedByWhatTheFlagsSupport() {
        let avx512: Set<String> = [
            "sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl",
        ]
        XCTAssertEqual(BLASCore.replacement(for: "Prescott", cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLASCore.replacement(for: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"]), "Haswell")
        XCTAssertNil(BLASCore.replacement(for: "Prescott", cpuFlags: ["sse3", "avx", "avx2"]))
        XCTAssertNil(BLASCore.replacement(for: "Prescott", cpuFlags: []))
        // A CPU OpenBLAS names keeps its choice, even where the flags would allow more.
        XCTAssertNil(BLASCore.replacement(for: "Haswell", cpuFlags: avx512))
        XCTAssertNil(BLASCore.replacement(for: "Zen", cpuFlags: avx512))
    }

    func testTheFlagsAreTheFirstProcessors() {
        let cpuinfo = """
            processor\t: 0
            model name\t: Intel(R) Xeon(R) Processor
            flags\t\t: fpu sse3 avx2 fma
            bugs\t\t: spectre_v1

            processor\t: 1
            flags\t\t: fpu avx512f
            """
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: cpuinfo), ["fpu", "sse3", "avx2", "fma"])
        XCTAssertEqual(BLASCore.cpuFlags(cpuinfo: "garbage\n:::\n"), [])
        XCTAssertFalse(BLASCore.current.isEmpty)
    }
}

/// Adam's update runs in a C kernel (packed square roots and divisions) for Float; it must
/// give exactly what the scalar loop gives, or a resumed or repeated training would drift.
final class AdamKernelTests: XCTestCase {
    func testTheKernelMatchesTheScalarLoopToTheBit() {
        var rng = SeededGenerator(seed: 3)
        let n = 8 * 37 + 5  // a tail after the eight-lane body
        let g = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) * (rng.next() % 4 == 0 ? 1e-6 : 1) }
        let m0 = (0..<n).map { _ in Float.random(in: -0.1...0.1, using: &rng) }
        let v0 = (0..<n).map { _ in Float.random(in: 0...0.01, using: &rng) }
        let p0 = (0..<n).map { _ in Float.random(in: -2...2, using: &rng) }
        let (b1, b2, c1, c2, lr, eps): (Float, Float, Float, Float, Float, Float) = (0.9, 0.999, 10, 1000, 1e-3, 1e-8)
        var (p, m, v) = (p0, m0, v0)
        llmpp_adam_update_f32(&p, g, &m, &v, n, b1, b2, c1, c2, lr, eps)
        var (ps, ms, vs) = (p0, m0, v0)
        for i in 0..<n {
            ms[i] = b1 * ms[i] + (1 - b1) * g[i]
            vs[i] = b2 * vs[i] + (1 - b2) * g[i] * g[i]
            ps[i] -= lr * (ms[i] * c1) / ((vs[i] * c2).squareRoot() + eps)
        }
        XCTAssertEqual(p.map(\.bitPattern), ps.map(\.bitPattern))
        XCTAssertEqual(m.map(\.bitPattern), ms.map(\.bitPattern))
        XCTAssertEqual(v.map(\.bitPattern), vs.map(\.bitPattern))
    }
}
