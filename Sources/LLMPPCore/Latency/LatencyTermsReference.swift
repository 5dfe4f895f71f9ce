/// The simple reference beside a latency predictor: least squares of latency (ms) on the
/// space's latency terms plus an intercept, fitted on the predictor's own training rows and
/// judged on its held-out rows. On HAT's tables five terms beat the 3x400 MLP (5.4% against
/// 7.5% mean relative error on the Titan Xp), which no figure said.
public struct LatencyTermsReference: Sendable, Equatable {
    public var terms: Int
    public var trainRows: Int
    public var maeMs: Double
    public var heldOut: LatencyAccuracy

    /// Least squares but for this: a penalty of 1e-6 on standardised terms over thousands of
    /// rows moves nothing, and keeps a space's repeated or collinear terms solvable.
    public static let penalty = 1e-6

    /// "least squares on 5 latency terms".
    public var name: String { "least squares on \(terms) latency terms" }

    /// The reference for `hardware`'s table in `space`, split as its predictor is trained with
    /// `config`; nil where latency is measured (or the hardware is no table) or the space names
    /// no terms.
    public static func of(
        space: SearchSpace, hardware: String, config: TrainingConfig = LatencyPredictor.defaultConfig
    ) throws -> LatencyTermsReference? {
        guard let spec = space.latency, !spec.terms.isEmpty, case .predictor(_, let tables) = spec.source,
            let data = tables[hardware], data.features.count >= 5
        else { return nil }
        let terms = try data.features.map(spec.termValues)
        let (train, heldOut) = LatencyPredictor.heldOutSplit(rows: data.features.count, seed: config.seed)
        let fit = DemonstrationFits.Ridge(
            x: train.map { terms[$0] }, y: train.map { data.latencyMs[$0] }, lambda: penalty)
        let predicted = heldOut.map { fit.predict(terms[$0]) }
        let measured = heldOut.map { data.latencyMs[$0] }
        return LatencyTermsReference(
            terms: spec.terms.count, trainRows: train.count, maeMs: Metrics.mae(predicted, measured),
            heldOut: LatencyAccuracy(predicted: predicted, measured: measured))
    }
}
