import Foundation

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

    /// A supernet's row once shifted by the demonstrations, named as LLM-PP's calibrated row is.
    public static func shiftCalibratedName(_ supernet: String) -> String { "\(supernet)\(shiftCalibratedSuffix)" }
    /// Whether a row is a baseline shifted by the demonstrations (`shiftCalibratedName`).
    public static func isShiftCalibrated(_ name: String) -> Bool { name.hasSuffix(shiftCalibratedSuffix) }
    static let shiftCalibratedSuffix = " (shift-calibrated)"

    public static func compute(space: SearchSpace, metric: String, seeds: [String]? = nil) throws -> [PredictorQuality]
    {
        let s = try ScoredSplits(space: space, metric: metric, seeds: seeds)
        let efficiency = space.efficiency
        let supernets = s.labelled.baselines.compactMap { b in b.predictions[metric].map { (b.name, $0) } }
        let baselines = try supernets.map { name, e in
            try s.quality(name, .both) { try $0.test.map { try s.value(e, $0) } }
        }
        // Given the shift LLM-PP's answers get from the same 10 demonstrations: unshifted, a
        // supernet's MAE is mostly a constant offset (0.9-1.6 BLEU too low on HAT), and the
        // comparison favoured the calibrated LLM.
        let shifted = try supernets.map { name, e in
            try s.quality(shiftCalibratedName(name), .both) { try s.shiftCalibrated(e, $0) }
        }
        return try baselines + shifted + [
            // The demonstrations' mean predicts one value: an error but no order.
            s.quality(demoMeanName, .mae, predict: s.demonstrationsMean),
            s.quality(lineName, .both, predict: s.lineOnLogParams),
            s.quality(ridgeName, .both, predict: s.ridgeOnFeatures),
            // #params and FLOPs are orders, not scores: Kendall only.
            s.quality(paramsName, .kendall) { try $0.test.map { try s.value(efficiency.params, $0) } },
            s.quality(flopsName, .kendall) { try $0.test.map { try s.value(efficiency.flops, $0) } },
        ]
    }
}

/// A labelled set's splits with their test architectures' truth under one metric: what every
/// predictor in a report is scored against, computed once.
struct ScoredSplits {
    /// Which of MAE and Kendall a predictor is judged by.
    enum Scored { case both, mae, kendall }

    let space: SearchSpace
    let labelled: LabelledSet
    let truth: CompiledExpression
    let splits: [Split]
    /// By split: each test architecture's truth.
    let truths: [[Double]]

    /// The splits of `seeds` (all the set's by default); a space without listed splits draws
    /// them from the seed (10 + 20), as `predict` does.
    init(space: SearchSpace, metric: String, seeds: [String]?) throws {
        guard let l = space.labelled else {
            throw SpaceError(file: space.file, field: "labelled", problem: "this space has no labelled architectures")
        }
        guard let truth = l.truth[metric] else {
            throw SpaceError(
                file: space.file, field: "labelled.truth",
                problem:
                    "no metric '\(metric)' (has: \(l.metrics.joined(separator: ", "))): pass --metric \(l.defaultMetric)"
            )
        }
        let rowCount = space.tables[l.table].architectures.count
        let splits = try (seeds ?? l.allSplitSeeds).map { s in
            guard let sp = l.resolveSplit(s, rowCount: rowCount) else {
                throw SpaceError(
                    file: space.file, field: "labelled.splits",
                    problem: l.splits.isEmpty
                        ? "split seed '\(s)' must be an integer, and the space needs at least \(LabelledSet.drawnSplitRows) labelled architectures"
                        : "no split seed '\(s)' (has: \(l.splits.map(\.seed).joined(separator: ", ")))")
            }
            // Nothing to score: every figure would be a dash (it printed a table of them, exit 0).
            guard !sp.test.isEmpty else {
                throw SpaceError(
                    file: space.file, field: "labelled.splits", problem: "split '\(s)' has no test architectures")
            }
            return sp
        }
        (self.space, labelled, self.truth, self.splits) = (space, l, truth, splits)
        truths = try splits.map { sp in try sp.test.map { try Self.value(truth, $0, in: space, l) } }
    }

    /// Expression `e` on labelled row `row`.
    func value(_ e: CompiledExpression, _ row: Int) throws -> Double { try Self.value(e, row, in: space, labelled) }

    static func value(_ e: CompiledExpression, _ row: Int, in space: SearchSpace, _ l: LabelledSet) throws -> Double {
        try space.evaluate(e, space.tables[l.table].architectures[row], row: (l.table, row))
    }

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

    func demonstrationsTruth(_ sp: Split) throws -> [Double] { try sp.train.map { try value(truth, $0) } }

    func demonstrationsMean(_ sp: Split) throws -> [Double] {
        Array(repeating: Metrics.mean(try demonstrationsTruth(sp)), count: sp.test.count)
    }

    /// Predictions `e` of the split's tests, shifted by the median of (truth − prediction)
    /// over its demonstrations: the calibration LLM-PP's answers get (`LeaveOneOutCalibration`).
    func shiftCalibrated(_ e: CompiledExpression, _ sp: Split) throws -> [Double] {
        let c = LeaveOneOutCalibration(
            method: .shift, answers: try sp.train.map { try value(e, $0) }, truths: try demonstrationsTruth(sp))
        return try sp.test.map { c.apply(try value(e, $0)) }
    }

    /// Least squares of truth on log #params over the split's demonstrations.
    func lineOnLogParams(_ sp: Split) throws -> [Double] {
        func logParams(_ r: Int) throws -> Double { log(max(try value(space.efficiency.params, r), 1)) }
        let fit = DemonstrationFits.line(x: try sp.train.map(logParams), y: try demonstrationsTruth(sp))
        return try sp.test.map { fit.intercept + fit.slope * (try logParams($0)) }
    }

    /// Ridge on the standardised features over the split's demonstrations.
    func ridgeOnFeatures(_ sp: Split) throws -> [Double] {
        let archs = space.tables[labelled.table].architectures
        func inputs(_ r: Int) throws -> [Double] {
            try DemonstrationFits.ridgeInputs(space, archs[r], row: (labelled.table, r))
        }
        let fit = DemonstrationFits.Ridge(
            x: try sp.train.map(inputs), y: try demonstrationsTruth(sp), lambda: DemonstrationFits.ridgeLambda)
        return try sp.test.map { fit.predict(try inputs($0)) }
    }
}
