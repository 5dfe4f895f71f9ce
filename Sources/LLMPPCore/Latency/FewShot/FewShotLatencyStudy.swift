import Foundation

/// Leave-one-device-out: k measurements of a target device drawn by seed, a model adapted
/// from them by each method, judged on every other measurement of the target.
public enum FewShotLatencyStudy {
    public struct Record: Sendable {
        public var target: String
        public var sources: [String]
        public var k: Int
        public var draw: Int
        public var method: LatencyAdaptationMethod
        /// For `auto`: the method it chose on this draw.
        public var chosen: LatencyAdaptationMethod
        public var accuracy: LatencyAccuracy
    }

    /// The k rows of draw `draw` (a seeded shuffle; the same for every method).
    public static func drawIndices(count: Int, k: Int, draw: Int) -> [Int] {
        var rng = SeededGenerator(seed: UInt64(draw) &* 7919 &+ UInt64(k))
        var order = Array(0..<count)
        order.shuffle(using: &rng)
        return Array(order.prefix(k))
    }

    public static func run(
        target: String, rows: LatencyRows, ks: [Int], draws: Int, methods: [LatencyAdaptationMethod],
        progress: ((Record) -> Void)? = nil
    ) -> [Record] {
        var out: [Record] = []
        for k in ks where k < rows.count {
            for draw in 0..<draws {
                let picked = drawIndices(count: rows.count, k: k, draw: draw)
                let train = rows.subset(picked)
                let test = rows.removing(picked)
                for m in methods {
                    let fit = LatencyAdaptation.fit(m, train, seed: UInt64(draw))
                    let r = Record(
                        target: target, sources: rows.sourceNames, k: k, draw: draw, method: m, chosen: fit.method,
                        accuracy: LatencyAccuracy(predicted: fit.predict(test), measured: test.latencyMs))
                    progress?(r)
                    out.append(r)
                }
            }
        }
        return out
    }

    /// The ceiling: the fully trained per-device predictor (HAT's MLP on 80% of a measured
    /// table, or of `sample` drawn architectures of a measured space), on its held-out 20%.
    public static func ceiling(
        space: SearchSpace, target: String, cacheDirectory: String?, sample: Int = 2000
    ) throws -> LatencyAccuracy {
        guard let spec = space.latency else {
            throw SpaceError(file: space.file, field: "latency", problem: "this space has no latency data")
        }
        let report: LatencyPredictor.Report
        switch spec.source {
        case .predictor:
            var r = try LatencyModel.make(space: space, hardware: target, cacheDirectory: cacheDirectory).predictor!
                .report
            if r.withinTenPercent == nil {
                // A cache from before Acc(10%) was recorded: train again (same seed, same model).
                r = try LatencyModel.make(space: space, hardware: target, cacheDirectory: nil).predictor!.report
            }
            report = r
        case .measured:
            let rows = try LatencyRows.measured(space: space, target: target, sources: [], cacheDirectory: nil)
            let picked = drawIndices(count: rows.count, k: min(sample, rows.count), draw: 1000)
            let data = LatencyTrainingData(
                file: space.file, features: picked.map { rows.features[$0] },
                latencyMs: picked.map { rows.latencyMs[$0] })
            report =
                LatencyPredictor.train(hardware: target, featureSet: space.defaultFeatureSet ?? "", data: data).report
        }
        var a = LatencyAccuracy(predicted: [], measured: [])
        a.count = report.heldOutRows
        a.meanAbsolutePercentageError = report.meanRelativeError
        a.kendall = report.kendall
        a.withinTenPercent = report.withinTenPercent ?? .nan
        return a
    }
}
