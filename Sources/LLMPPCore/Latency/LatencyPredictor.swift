import Foundation

/// HAT-style latency predictor: an MLP over a space's feature set, trained on a measured
/// latency table of one hardware, inputs and target standardised. 80% of the table trains
/// it; the error it reports is measured on the other, held-out 20%.
public struct LatencyPredictor: Sendable {
    public struct Report: Sendable, Codable, Equatable {
        public var hardware: String
        public var trainRows: Int
        public var heldOutRows: Int
        public var maeMs: Double
        /// Mean of |predicted - measured| / measured over the held-out rows.
        public var meanRelativeError: Double
        public var kendall: Double
        public var steps: Int
        public var finalTrainLoss: Double
        /// Share of held-out rows predicted within 10% of the measurement (nil in caches
        /// written before it was recorded).
        public var withinTenPercent: Double? = nil

        /// The held-out error in the few-shot study's terms (Acc(10%) NaN where not recorded).
        public var heldOutAccuracy: LatencyAccuracy {
            LatencyAccuracy(
                count: heldOutRows, meanAbsolutePercentageError: meanRelativeError, kendall: kendall,
                withinTenPercent: withinTenPercent ?? .nan)
        }
    }

    /// The defaults: HAT's shape (3 hidden layers of 400) with a faster learning rate.
    public static let defaultConfig = TrainingConfig(
        hidden: [400, 400, 400], learningRate: 1e-3, steps: 2000, batchSize: 128, seed: 0)

    public let hardware: String
    public let featureSet: String
    let inputMean: [Double], inputScale: [Double]
    let targetMean: Double, targetScale: Double
    let model: MLP<Float>
    public let report: Report

    /// The network's widths, "10-400x3-1" (repeated hidden widths counted).
    public var shape: String {
        let w = model.widths
        guard w.count > 2 else { return w.map(String.init).joined(separator: "-") }
        let hidden = w.dropFirst().dropLast()
        let middle =
            Set(hidden).count == 1 ? "\(hidden.first!)x\(hidden.count)" : hidden.map(String.init).joined(separator: "-")
        return "\(w[0])-\(middle)-\(w.last!)"
    }

    public func predict(features: [Double]) -> Double { predict(batch: [features])[0] }

    public func predict(batch rows: [[Double]]) -> [Double] {
        guard !rows.isEmpty else { return [] }
        let xs = rows.map { zip(zip($0, inputMean), inputScale).map { ($0.0 - $0.1) / $1 } }
        return model.predict(xs).map { $0 * targetScale + targetMean }
    }

    /// The network's last hidden layer for each row of features (see `MLP.lastHidden`).
    public func embedding(batch rows: [[Double]]) -> [[Double]] {
        model.lastHidden(rows.map { zip(zip($0, inputMean), inputScale).map { ($0.0 - $0.1) / $1 } })
    }

    public func predict(_ arch: Architecture, in space: SearchSpace) throws -> Double {
        predict(features: try space.features(arch, set: featureSet))
    }

    /// The table's rows as the predictor of training seed `seed` splits them: 80% to train on,
    /// the other 20% held out to judge it (and the references beside it) on.
    public static func heldOutSplit(rows: Int, seed: UInt64) -> (train: [Int], heldOut: [Int]) {
        var rng = SeededGenerator(seed: seed &+ 20)
        var order = Array(0..<rows)
        order.shuffle(using: &rng)
        let nTest = rows / 5
        return (Array(order.dropFirst(nTest)), Array(order.prefix(nTest)))
    }

    /// Trains on the table (deterministic in the config's seed) and measures the held-out error.
    public static func train(
        hardware: String, featureSet: String, data: LatencyTrainingData,
        config: TrainingConfig = defaultConfig,
        progress: ((Int, Int) -> Void)? = nil
    ) -> LatencyPredictor {
        let (trainIdx, testIdx) = heldOutSplit(rows: data.features.count, seed: config.seed)
        let fitted = fit(
            hardware: hardware, featureSet: featureSet, features: trainIdx.map { data.features[$0] },
            latencyMs: trainIdx.map { data.latencyMs[$0] }, config: config, progress: progress)
        let predicted = fitted.predict(batch: testIdx.map { data.features[$0] })
        let measured = testIdx.map { data.latencyMs[$0] }
        let accuracy = LatencyAccuracy(predicted: predicted, measured: measured)
        var report = fitted.report
        report.heldOutRows = accuracy.count
        report.maeMs = Metrics.mae(predicted, measured)
        report.meanRelativeError = accuracy.meanAbsolutePercentageError
        report.kendall = accuracy.kendall
        report.withinTenPercent = accuracy.withinTenPercent
        return fitted.with(report: report)
    }

    /// Trains on every row given (no held-out part: the few-shot methods judge a fit by
    /// cross-validation over their few measurements instead). Inputs and target standardised.
    public static func fit(
        hardware: String, featureSet: String, features: [[Double]], latencyMs: [Double],
        config: TrainingConfig = defaultConfig, progress: ((Int, Int) -> Void)? = nil
    ) -> LatencyPredictor {
        let width = features[0].count
        var mean = [Double](repeating: 0, count: width)
        var scale = [Double](repeating: 1, count: width)
        for c in 0..<width {
            let col = features.map { $0[c] }
            mean[c] = Metrics.mean(col)
            let s = Metrics.std(col)
            scale[c] = s > 1e-12 ? s : 1
        }
        let ym = Metrics.mean(latencyMs)
        let ys0 = Metrics.std(latencyMs)
        let ys = ys0 > 1e-12 ? ys0 : 1
        func norm(_ x: [Double]) -> [Double] { zip(zip(x, mean), scale).map { ($0.0 - $0.1) / $1 } }
        var trainer = MLPTrainer<Float>(
            inputs: features.map(norm), targets: latencyMs.map { ($0 - ym) / ys }, config: config)
        let chunk = max(config.steps / 20, 1)
        while !trainer.finished {
            trainer.train(steps: chunk)
            progress?(trainer.step, config.steps)
        }
        let report = Report(
            hardware: hardware, trainRows: features.count, heldOutRows: 0, maeMs: .nan, meanRelativeError: .nan,
            kendall: .nan, steps: trainer.step, finalTrainLoss: Metrics.mean(Array(trainer.losses.suffix(chunk))))
        return LatencyPredictor(
            hardware: hardware, featureSet: featureSet, inputMean: mean, inputScale: scale,
            targetMean: ym, targetScale: ys, model: trainer.model, report: report)
    }

    func with(report: Report) -> LatencyPredictor {
        LatencyPredictor(
            hardware: hardware, featureSet: featureSet, inputMean: inputMean, inputScale: inputScale,
            targetMean: targetMean, targetScale: targetScale, model: model, report: report)
    }
}

extension LatencyPredictor {
    struct Stored: Codable {
        var hardware: String, featureSet: String
        var inputMean: [Double], inputScale: [Double], targetMean: Double, targetScale: Double
        var report: Report
    }

    /// Metadata as a JSON line, then the MLP's binary weights.
    func serialized() throws -> Data {
        var d = try JSONEncoder().encode(
            Stored(
                hardware: hardware, featureSet: featureSet, inputMean: inputMean, inputScale: inputScale,
                targetMean: targetMean, targetScale: targetScale, report: report))
        d.append(0x0A)
        d.append(model.serialized())
        return d
    }

    init(serialized d: Data) throws {
        guard let nl = d.firstIndex(of: 0x0A) else { throw ExpressionError("malformed latency-predictor cache") }
        let s = try JSONDecoder().decode(Stored.self, from: d[d.startIndex..<nl])
        let model = try MLP<Float>(serialized: Data(d[(nl + 1)...]))
        self.init(
            hardware: s.hardware, featureSet: s.featureSet, inputMean: s.inputMean, inputScale: s.inputScale,
            targetMean: s.targetMean, targetScale: s.targetScale, model: model, report: s.report)
    }

    /// A cache key that changes with the data, the feature set and the training settings.
    static func cacheKey(
        space: String, hardware: String, featureSet: String, data: LatencyTrainingData, config: TrainingConfig
    ) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) { for i in 0..<8 { h = (h ^ ((v >> (8 * UInt64(i))) & 0xff)) &* 0x100_0000_01b3 } }
        for s in [space, hardware, featureSet] { for b in s.utf8 { mix(UInt64(b)) } }
        for row in data.features { for v in row { mix(v.bitPattern) } }
        for v in data.latencyMs { mix(v.bitPattern) }
        // Sorted keys: JSONEncoder's default key order changes from process to process.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let c = try? encoder.encode(config) { for b in c { mix(UInt64(b)) } }
        return String(h, radix: 16)
    }
}
