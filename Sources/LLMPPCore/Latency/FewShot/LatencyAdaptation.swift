import Foundation

/// Fits a latency model for an unmeasured device from its k measurements, and judges a
/// method by leave-one-out over those k (all a user with k measurements can compute).
public enum LatencyAdaptation {
    /// HAT's MLP for k rows: its shape and learning rate; 500 full-batch steps (k <= 128),
    /// since there is no more data to learn from and a held-out draw showed no gain from more.
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
            return ridge(rows, inputs: RidgeInputs(sources: true, features: false))
        case .sourceFeatureRidge:
            return ridge(rows, inputs: RidgeInputs(sources: false, features: true), line: !rows.sourceNames.isEmpty)
        case .crossValidated:
            let scored = LatencyAdaptationMethod.candidates
                .filter { !$0.needsSources || !rows.sourceNames.isEmpty }
                .map { ($0, crossValidate($0, rows, seed: seed).meanAbsolutePercentageError) }
            let best = scored.min { $0.1 < $1.1 }!.0
            return fit(best, rows, seed: seed)
        }
    }

    /// Each row predicted by the method fitted on the other k - 1.
    public static func leaveOneOut(_ method: LatencyAdaptationMethod, _ rows: LatencyRows, seed: UInt64 = 0)
        -> [Double]
    {
        rows.latencyMs.indices.map { i in
            let f = fit(method, rows.removing([i]), seed: seed)
            return f.predict(features: [rows.features[i]], sources: [rows.sources[i]])[0]
        }
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
                abs(line(i).predict(features: [rows.features[i]], sources: [rows.sources[i]])[0] - rows.latencyMs[i])
                    / rows.latencyMs[i]
            }
            let e = Metrics.mean(errors)
            if best.map({ e < $0.error }) ?? true { best = (e, line(nil)) }
        }
        return best!.fit
    }

    /// A ridge on log latency (on what the best source's log line misses, when `line`),
    /// its penalty chosen by leave-one-out.
    static func ridge(_ rows: LatencyRows, inputs: RidgeInputs, line: Bool = false) -> AdaptedLatencyFit {
        let x = zip(rows.features, rows.sources).map { inputs.row(features: $0.0, sources: $0.1) }
        let y = rows.latencyMs.map { log($0) }
        let source = line ? bestLine(rows, logarithmic: true).sourceIndex : nil
        func fit(_ keep: [Int], _ lambda: Double) -> (DemonstrationFits.Ridge, LogLine?) {
            let l = source.map { LogLine(x: keep.map { rows.sources[$0] }, y: keep.map { y[$0] }, source: $0) }
            let residual = keep.map { y[$0] - (l?.value(rows.sources[$0]) ?? 0) }
            return (DemonstrationFits.Ridge(x: keep.map { x[$0] }, y: residual, lambda: lambda), l)
        }
        var best: (error: Double, lambda: Double)?
        for lambda in (line ? lambdas + [1e4] : lambdas) {
            let errors = y.indices.map { i -> Double in
                let (r, l) = fit(y.indices.filter { $0 != i }, lambda)
                let p = exp(r.predict(x[i]) + (l?.value(rows.sources[i]) ?? 0))
                return abs(p - rows.latencyMs[i]) / rows.latencyMs[i]
            }
            let e = Metrics.mean(errors)
            if best.map({ e < $0.error }) ?? true { best = (e, lambda) }
        }
        let lambda = best!.lambda
        let (r, l) = fit(Array(y.indices), lambda)
        return AdaptedLatencyFit(
            method: inputs.features ? .sourceFeatureRidge : .sourceRidge, model: .ridge(r, inputs: inputs, line: l),
            sourceUsed: l.map { rows.sourceNames[$0.source] }, lambda: lambda)
    }
}
