import Foundation

/// Fits a latency model for an unmeasured device from its k measurements, and judges a
/// method by leave-one-out over those k (all a user with k measurements can compute).
public enum LatencyAdaptation {
    /// HAT's MLP for k rows: its shape and learning rate; 500 steps, each on the whole of
    /// the k rows (k <= 128), a quarter of the full predictor's steps to keep the study's
    /// hundreds of fits affordable (not tuned: method (a) is the reference the others beat).
    public static let mlpConfig = TrainingConfig(
        hidden: [400, 400, 400], learningRate: 1e-3, steps: 500, batchSize: 128, seed: 0)
    /// Ridge penalties tried, the one with the lowest leave-one-out error kept.
    public static let lambdas: [Double] = [0.01, 0.1, 1, 10, 100]

    public static func fit(_ method: LatencyAdaptationMethod, _ rows: LatencyRows, seed: UInt64 = 0)
        -> AdaptedLatencyFit
    {
        precondition(rows.count >= 2, "fit: need at least two measurements")
        let method = method.needsSources && rows.sourceNames.isEmpty ? .sourceFeatureRidge : method
        switch method {
        case .targetMLP:
            var config = mlpConfig
            config.seed = seed
            let p = LatencyPredictor.fit(
                hardware: "", featureSet: "", features: rows.features, latencyMs: rows.latencyMs, config: config)
            return AdaptedLatencyFit(method: method, model: .mlp(p))
        case .rescale, .logRescale:
            return bestLine(rows, logarithmic: method == .logRescale)
        case .sourceRidge:
            return ridge(rows, inputs: RidgeInputs(sources: true), method: .sourceRidge)
        case .sourceFeatureRidge, .fineTune:
            let line = rows.sourceNames.isEmpty ? nil : bestLine(rows, logarithmic: true).sourceIndex
            // The best source's own network: without one (a measured source) there is
            // nothing to fine-tune, and the features stand in for its hidden layer.
            if method == .fineTune, let s = line, rows.embeddings[s] != nil {
                return ridge(rows, inputs: RidgeInputs(embedding: s), line: s, method: .fineTune)
            }
            return ridge(rows, inputs: RidgeInputs(features: true), line: line, method: .sourceFeatureRidge)
        case .termsRidge:
            guard rows.hasTerms else { return fit(.sourceFeatureRidge, rows, seed: seed) }
            return termsRidge(rows)
        case .crossValidated:
            let scored = LatencyAdaptationMethod.candidates
                .filter { !$0.needsSources || !rows.sourceNames.isEmpty }
                .filter { $0 != .termsRidge || rows.hasTerms }
                .map { ($0, crossValidate($0, rows, seed: seed).meanAbsolutePercentageError) }
            let best = scored.min { $0.1 < $1.1 }!.0
            return fit(best, rows, seed: seed)
        }
    }

    /// Each row predicted by the method fitted without it: on the other k - 1 rows, or for
    /// the MLP (a training per fold) without its fifth of the rows when k > 5.
    public static func leaveOneOut(_ method: LatencyAdaptationMethod, _ rows: LatencyRows, seed: UInt64 = 0)
        -> [Double]
    {
        let folds = method == .targetMLP ? min(rows.count, 5) : rows.count
        var out = [Double](repeating: 0, count: rows.count)
        for f in 0..<folds {
            let held = Array(stride(from: f, to: rows.count, by: folds))
            let predicted = fit(method, rows.removing(held), seed: seed).predict(rows.subset(held))
            for (i, p) in zip(held, predicted) { out[i] = p }
        }
        return out
    }

    public static func crossValidate(_ method: LatencyAdaptationMethod, _ rows: LatencyRows, seed: UInt64 = 0)
        -> LatencyAccuracy
    {
        LatencyAccuracy(predicted: leaveOneOut(method, rows, seed: seed), measured: rows.latencyMs)
    }

    /// The source whose line has the lowest leave-one-out percentage error.
    static func bestLine(_ rows: LatencyRows, logarithmic: Bool) -> AdaptedLatencyFit {
        func transform(_ v: Double) -> Double { logarithmic ? log(max(v, 1e-9)) : v }
        let y = rows.latencyMs.map(transform)
        var best: (error: Double, fit: AdaptedLatencyFit)?
        for s in rows.sourceNames.indices {
            let x = rows.sources.map { transform($0[s]) }
            func line(_ drop: Int?) -> AdaptedLatencyFit {
                let keep = x.indices.filter { $0 != drop }
                let l = DemonstrationFits.line(x: keep.map { x[$0] }, y: keep.map { y[$0] })
                return AdaptedLatencyFit(
                    method: logarithmic ? .logRescale : .rescale,
                    model: .line(source: s, slope: l.slope, intercept: l.intercept, logarithmic: logarithmic),
                    sourceUsed: rows.sourceNames[s])
            }
            let errors = rows.latencyMs.indices.map { i in
                abs(line(i).predict(rows.subset([i]))[0] - rows.latencyMs[i]) / rows.latencyMs[i]
            }
            let e = Metrics.mean(errors)
            if best.map({ e < $0.error }) ?? true { best = (e, line(nil)) }
        }
        return best!.fit
    }

    /// Penalties tried by the terms ridge: its few inputs are standardised, so small ones
    /// (on the k = 10 draws of HAT's devices, 0.001-1 covered every choice).
    static let termLambdas: [Double] = [0.001, 0.01, 0.1, 1]

    /// Latency (ms, not its log: the terms add up) as a ridge on the rows' latency terms, the
    /// penalty chosen by leave-one-out percentage error.
    static func termsRidge(_ rows: LatencyRows) -> AdaptedLatencyFit {
        let y = rows.latencyMs
        func model(_ keep: [Int], _ lambda: Double) -> AdaptedLatencyFit.Model {
            .linear(
                DemonstrationFits.Ridge(x: keep.map { rows.terms[$0] }, y: keep.map { y[$0] }, lambda: lambda),
                inputs: RidgeInputs(terms: true))
        }
        let lambda = bestPenalty(termLambdas, rows, method: .termsRidge, model: model)
        return AdaptedLatencyFit(method: .termsRidge, model: model(Array(y.indices), lambda), lambda: lambda)
    }

    /// The penalty whose model, fitted on all rows but one, has the lowest mean percentage
    /// error on the one left out (the first such on a tie); each penalty is scored once.
    static func bestPenalty(
        _ grid: [Double], _ rows: LatencyRows, method: LatencyAdaptationMethod,
        model: ([Int], Double) -> AdaptedLatencyFit.Model
    ) -> Double {
        let all = rows.latencyMs.indices
        let scored = grid.map { lambda in
            let error = Metrics.mean(
                all.map { i in
                    let m = model(all.filter { $0 != i }, lambda)
                    let p = AdaptedLatencyFit(method: method, model: m).predict(rows.subset([i]))[0]
                    return abs(p - rows.latencyMs[i]) / rows.latencyMs[i]
                })
            return (lambda, error)
        }
        return scored.min { $0.1 < $1.1 }!.0
    }

    /// A ridge on log latency (on what the log line of source `line` misses, when given),
    /// its penalty chosen by leave-one-out.
    static func ridge(
        _ rows: LatencyRows, inputs: RidgeInputs, line source: Int? = nil, method: LatencyAdaptationMethod
    )
        -> AdaptedLatencyFit
    {
        let x = (0..<rows.count).map { inputs.row(rows, $0) }
        let y = rows.latencyMs.map { log($0) }
        func fit(_ keep: [Int], _ lambda: Double) -> AdaptedLatencyFit.Model {
            let l = source.map { LogLine(x: keep.map { rows.sources[$0] }, y: keep.map { y[$0] }, source: $0) }
            let residual = keep.map { y[$0] - (l?.value(rows.sources[$0]) ?? 0) }
            // Far from the k points a ridge on hundreds of ReLU units (or on features) can
            // extrapolate without bound, and exp() turns that into 1000% errors: its part
            // stays within the range it was fitted on, widened by half that range each side.
            let low = residual.min() ?? 0
            let high = residual.max() ?? 0
            let bounds = (low - (high - low) / 2)...(high + (high - low) / 2)
            return .ridge(
                DemonstrationFits.Ridge(x: keep.map { x[$0] }, y: residual, lambda: lambda), inputs: inputs, line: l,
                bounds: bounds)
        }
        // Hundreds of hidden units put the kernel's scale ~100x the features': so the penalties.
        let grid = inputs.embedding == nil ? lambdas : lambdas.map { $0 * 100 }
        let lambda = bestPenalty(source != nil ? grid + [grid.last! * 100] : grid, rows, method: method, model: fit)
        return AdaptedLatencyFit(
            method: method, model: fit(Array(y.indices), lambda), sourceUsed: source.map { rows.sourceNames[$0] },
            lambda: lambda)
    }
}
