/// How well predicted latencies match measured ones, in the few-shot literature's terms:
/// mean absolute percentage error, Kendall's tau (what a constraint's ranking needs), and
/// Acc(10%), the share of predictions within 10% of the measurement (the metric of "Can LLMs
/// Enhance Performance Prediction for Deep Learning Models?").
public struct LatencyAccuracy: Sendable, Codable, Equatable {
    public var count: Int
    /// Mean of |predicted - measured| / measured, as a fraction (0.05 = 5%).
    public var meanAbsolutePercentageError: Double
    public var kendall: Double
    /// Fraction of predictions with |predicted - measured| <= 0.1 * measured.
    public var withinTenPercent: Double

    public init(count: Int, meanAbsolutePercentageError: Double, kendall: Double, withinTenPercent: Double) {
        self.count = count
        self.meanAbsolutePercentageError = meanAbsolutePercentageError
        self.kendall = kendall
        self.withinTenPercent = withinTenPercent
    }

    public init(predicted: [Double], measured: [Double]) {
        precondition(predicted.count == measured.count, "latency accuracy: lengths differ")
        count = measured.count
        let relative = zip(predicted, measured).map { abs($0 - $1) / $1 }
        meanAbsolutePercentageError = Metrics.mean(relative)
        kendall = Metrics.kendallTau(predicted, measured)
        withinTenPercent = relative.isEmpty ? .nan : Double(relative.filter { $0 <= 0.1 }.count) / Double(count)
    }
}
