import Foundation

/// A discrete probability distribution over a predictor's possible answers: the digit tree
/// of an LLM's answer, or the empirical distribution of several sampled answers. Points are
/// kept sorted by value and normalised to sum to 1.
public struct ScoreDistribution: Sendable, Equatable, Codable {
    public struct Point: Sendable, Equatable, Codable {
        public var value: Double
        public var probability: Double
        public init(_ value: Double, _ probability: Double) {
            self.value = value
            self.probability = probability
        }

        public init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            value = try c.decode(Double.self)
            probability = try c.decode(Double.self)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(value)
            try c.encode(probability)
        }
    }

    public enum Source: String, Sendable, Codable {
        /// Next-token probabilities along the answer's digits.
        case digitTree = "digit_tree"
        /// The empirical distribution of k sampled answers.
        case samples
    }

    public let points: [Point]
    public let source: Source
    /// The answer greedy decoding gives (the most likely digit at every step), when known.
    public let greedy: Double?

    /// Merges equal values, drops non-finite or non-positive weights, normalises.
    /// Nil when nothing is left.
    public init?(points raw: [Point], source: Source, greedy: Double? = nil) {
        var merged: [Double: Double] = [:]
        for p in raw where p.value.isFinite && p.probability.isFinite && p.probability > 0 {
            merged[Self.decimal(p.value), default: 0] += p.probability
        }
        let total = merged.values.reduce(0, +)
        guard total > 0 else { return nil }
        // Already normalised (a stored distribution read back): kept bit for bit, so a replayed
        // or cached answer equals the original exactly.
        let scale = abs(total - 1) < 1e-9 ? 1 : total
        points = merged.keys.sorted().map { Point($0, merged[$0]! / scale) }
        self.source = source
        self.greedy = greedy.map(Self.decimal)
    }

    /// The value to 12 significant digits: answers are short decimals, and arithmetic on them
    /// (a walk's leaf 45.8 + 0.05, stored by earlier versions) leaves binary noise that would
    /// show in every output as 45.849999999999994.
    public static func decimal(_ v: Double) -> Double {
        guard v.isFinite else { return v }
        return Double(String(format: "%.12g", v)) ?? v
    }

    /// The empirical distribution of sampled answers.
    public init?(samples: [Double]) {
        self.init(points: samples.map { Point($0, 1) }, source: .samples)
    }

    /// The smallest value whose cumulative probability reaches `q` (q = 0.5: the median,
    /// the point prediction that minimises the expected absolute error).
    public func quantile(_ q: Double) -> Double {
        var cumulative = 0.0
        for p in points {
            cumulative += p.probability
            if cumulative >= q - 1e-12 { return p.value }
        }
        return points[points.count - 1].value
    }

    public var median: Double { quantile(0.5) }
    public var mean: Double { points.reduce(0) { $0 + $1.value * $1.probability } }
    public var mode: Double { points.max { $0.probability < $1.probability }!.value }
    /// The central 80% interval.
    public var interval: (low: Double, high: Double) { (quantile(0.1), quantile(0.9)) }

    enum CodingKeys: String, CodingKey { case points, source, greedy }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try c.decode([Point].self, forKey: .points)
        let source = try c.decode(Source.self, forKey: .source)
        guard
            let d = ScoreDistribution(
                points: raw, source: source, greedy: try c.decodeIfPresent(Double.self, forKey: .greedy))
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .points, in: c, debugDescription: "a distribution needs a positive probability")
        }
        self = d
    }

    /// Compact JSON for the transcript store.
    public var jsonText: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self)
    }

    public static func fromJSONText(_ text: String?) -> ScoreDistribution? {
        guard let text, let d = text.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(ScoreDistribution.self, from: d)
    }
}

extension ScoreDistribution {
    /// The distribution of `transform(value)` for an increasing transform (a calibration):
    /// the order of the points, and so every quantile, carries over.
    public func mapped(_ transform: (Double) -> Double) -> ScoreDistribution? {
        ScoreDistribution(
            points: points.map { Point(transform($0.value), $0.probability) }, source: source,
            greedy: greedy.map(transform))
    }
}
