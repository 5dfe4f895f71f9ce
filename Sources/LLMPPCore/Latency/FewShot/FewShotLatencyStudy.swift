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
                let scored = evaluate(
                    methods, train: rows.subset(picked), test: rows.removing(picked), seed: UInt64(draw))
                for (m, chosen, accuracy) in scored {
                    let r = Record(
                        target: target, sources: rows.sourceNames, k: k, draw: draw, method: m, chosen: chosen,
                        accuracy: accuracy)
                    progress?(r)
                    out.append(r)
                }
            }
        }
        return out
    }

    /// Each method fitted on `train` and judged on `test`; for `auto`, the method it chose.
    public static func evaluate(
        _ methods: [LatencyAdaptationMethod], train: LatencyRows, test: LatencyRows, seed: UInt64
    ) -> [(method: LatencyAdaptationMethod, chosen: LatencyAdaptationMethod, accuracy: LatencyAccuracy)] {
        methods.map { m in
            let fit = LatencyAdaptation.fit(m, train, seed: seed)
            return (m, fit.method, LatencyAccuracy(predicted: fit.predict(test), measured: test.latencyMs))
        }
    }

    /// The ceiling: the fully trained per-device predictor (HAT's MLP on 80% of a measured
    /// table, or of `sample` drawn architectures of a measured space), on its held-out 20%.
    public static func ceiling(
        space: SearchSpace, target: String, cacheDirectory: String?, sample: Int = 2000
    ) throws -> LatencyAccuracy {
        guard let spec = space.latency else {
            throw SpaceError(file: space.file, field: "latency", problem: "this space has no latency data")
        }
        switch spec.source {
        case .predictor:
            let r = try LatencyModel.make(space: space, hardware: target, cacheDirectory: cacheDirectory).predictor!
                .report
            guard r.withinTenPercent == nil else { return r.heldOutAccuracy }
            // A cache from before Acc(10%) was recorded: train again (same seed, same model).
            return try LatencyModel.make(space: space, hardware: target, cacheDirectory: nil).predictor!.report
                .heldOutAccuracy
        case .measured:
            let rows = try LatencyRows.measured(space: space, target: target, sources: [], cacheDirectory: nil)
            let picked = drawIndices(count: rows.count, k: min(sample, rows.count), draw: 1000)
            let data = LatencyTrainingData(
                file: space.file, features: picked.map { rows.features[$0] },
                latencyMs: picked.map { rows.latencyMs[$0] })
            return LatencyPredictor.train(hardware: target, featureSet: space.defaultFeatureSet ?? "", data: data)
                .report.heldOutAccuracy
        }
    }
}
