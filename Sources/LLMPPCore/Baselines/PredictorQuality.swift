import Foundation

/// How well one predictor ranks and scores the test architectures, over split seeds.
public struct PredictorQuality: Sendable, Equatable {
    public let name: String
    /// Per seed: MAE and Kendall on that seed's test architectures (nil where not applicable).
    public let perSeed: [(seed: String, mae: Double?, kendall: Double?)]

    public init(name: String, perSeed: [(seed: String, mae: Double?, kendall: Double?)]) {
        self.name = name
        self.perSeed = perSeed
    }

    public static func == (a: PredictorQuality, b: PredictorQuality) -> Bool {
        a.name == b.name && a.perSeed.count == b.perSeed.count
            && zip(a.perSeed, b.perSeed).allSatisfy {
                $0.seed == $1.seed && $0.mae == $1.mae && $0.kendall == $1.kendall
            }
    }

    public var maeMean: Double? { Self.stat(perSeed.map(\.mae), Metrics.mean) }
    public var maeStd: Double? { Self.stat(perSeed.map(\.mae), Metrics.std) }
    public var kendallMean: Double? { Self.stat(perSeed.map(\.kendall), Metrics.mean) }
    public var kendallStd: Double? { Self.stat(perSeed.map(\.kendall), Metrics.std) }

    private static func stat(_ values: [Double?], _ f: ([Double]) -> Double) -> Double? {
        let v = values.compactMap { $0 }.filter(\.isFinite)
        return v.isEmpty ? nil : f(v)
    }

    public var json: JSONValue {
        .object([
            ("name", .string(name)), ("mae_mean", .number(maeMean)), ("mae_std", .number(maeStd)),
            ("kendall_mean", .number(kendallMean)), ("kendall_std", .number(kendallStd)),
        ])
    }
}

/// The supernet baselines' quality against trained-from-scratch truth, with the references
/// the paper's predictors must beat: trivial ones and fits of the same 10 demonstrations.
public enum BaselineReport {
    public static let demoMeanName = "Demo mean (reference)"
    public static let paramsName = "#params (reference)"
    /// Ranking by FLOPs alone: what an LLM that only reads the prompt's GFLOPs line could reach.
    public static let flopsName = "GFLOPs (reference)"
    /// Fitted on the split's demonstrations only (see `DemonstrationFits`).
    public static let lineName = "Line on log #params (demonstrations)"
    public static let ridgeName = "Ridge on features (demonstrations)"
    /// The trivial and fitted references, in the order reports show them.
    public static let referenceNames = [demoMeanName, lineName, ridgeName, paramsName, flopsName]

    public static func compute(space: SearchSpace, metric: String, seeds: [String]? = nil) throws -> [PredictorQuality]
    {
        guard let l = space.labelled else {
            throw SpaceError(file: space.file, field: "labelled", problem: "this space has no labelled architectures")
        }
        guard let truthExpr = l.truth[metric] else {
            throw SpaceError(
                file: space.file, field: "labelled.truth",
                problem:
                    "no metric '\(metric)' (has: \(l.metrics.joined(separator: ", "))): pass --metric \(l.defaultMetric)"
            )
        }
        let archs = space.tables[l.table].architectures
        // A space without listed splits draws them from the seed (10 + 20), as `predict` does.
        let splits = try (seeds ?? l.allSplitSeeds).map { s in
            guard let sp = l.resolveSplit(s, rowCount: archs.count) else {
                throw SpaceError(
                    file: space.file, field: "labelled.splits",
                    problem: l.splits.isEmpty
                        ? "split seed '\(s)' must be an integer, and the space needs at least \(LabelledSet.drawnSplitRows) labelled architectures"
                        : "no split seed '\(s)' (has: \(l.splits.map(\.seed).joined(separator: ", ")))")
            }
            return sp
        }
        func value(_ e: CompiledExpression, _ row: Int) throws -> Double {
            try space.evaluate(e, archs[row], row: (l.table, row))
        }
        // Each split's test truth, computed once for every predictor below.
        let truths = try splits.map { sp in try sp.test.map { try value(truthExpr, $0) } }
        /// A predictor's quality over the splits from its predictions of each split's tests.
        func quality(_ name: String, _ scored: Scored, predict: (Split) throws -> [Double]) throws -> PredictorQuality {
            PredictorQuality(
                name: name,
                perSeed: try zip(splits, truths).map { sp, t in
                    let p = try predict(sp)
                    return (
                        sp.seed, scored == .kendall ? nil : Metrics.mae(p, t),
                        scored == .mae ? nil : Metrics.kendallTau(p, t)
                    )
                })
        }
        var out: [PredictorQuality] = []
        for b in l.baselines {
            guard let e = b.predictions[metric] else { continue }
            out.append(try quality(b.name, .both) { sp in try sp.test.map { try value(e, $0) } })
        }
        // The demonstrations' mean predicts one value: an error but no order.
        out.append(
            try quality(demoMeanName, .mae) { sp in
                Array(repeating: Metrics.mean(try sp.train.map { try value(truthExpr, $0) }), count: sp.test.count)
            })
        out.append(
            try quality(lineName, .both) { sp in
                func logParams(_ r: Int) throws -> Double { log(max(try value(space.efficiency.params, r), 1)) }
                let fit = DemonstrationFits.line(
                    x: try sp.train.map(logParams), y: try sp.train.map { try value(truthExpr, $0) })
                return try sp.test.map { fit.intercept + fit.slope * (try logParams($0)) }
            })
        out.append(
            try quality(ridgeName, .both) { sp in
                func inputs(_ r: Int) throws -> [Double] {
                    try DemonstrationFits.ridgeInputs(space, archs[r], row: (l.table, r))
                }
                let fit = DemonstrationFits.Ridge(
                    x: try sp.train.map(inputs), y: try sp.train.map { try value(truthExpr, $0) },
                    lambda: DemonstrationFits.ridgeLambda)
                return try sp.test.map { fit.predict(try inputs($0)) }
            })
        // #params and FLOPs are orders, not scores: Kendall only.
        out.append(
            try quality(paramsName, .kendall) { sp in try sp.test.map { try value(space.efficiency.params, $0) } })
        out.append(try quality(flopsName, .kendall) { sp in try sp.test.map { try value(space.efficiency.flops, $0) } })
        return out
    }
}

/// Which of MAE and Kendall a reference is judged by.
private enum Scored { case both, mae, kendall }
