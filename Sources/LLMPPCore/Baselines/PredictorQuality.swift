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
