import Foundation
import LLMPPCore

/// What a search study scores a pick with. Where the space has the trained-from-scratch
/// truth of every architecture of its pool (NAS-Bench-201) that truth; elsewhere (HAT: 30
/// trained architectures only) the surrogate the search's expensive evaluator is, fitted per
/// metric to the same baseline's published scores, and named so wherever a figure appears.
public struct StudyReference: Sendable {
    public enum Kind: String, Sendable {
        case truth
        case surrogate
    }
    public var kind: Kind
    /// For tables: "truth", or "surrogate of Neuron-wise MoS".
    public var name: String
    public var metrics: [String]
    let scorer: @Sendable (String, Architecture) throws -> Double?

    public func score(_ metric: String, _ a: Architecture) throws -> Double? { try scorer(metric, a) }

    /// The truth where it covers the whole pool, else the surrogate of `baseline`.
    public static func of(space: SearchSpace, pool: [Architecture], baseline: String) throws -> StudyReference {
        guard let l = space.labelled else {
            throw EngineError.refused("space '\(space.id)' has no labelled architectures to judge a search's pick by")
        }
        let truthCoversPool = try pool.allSatisfy { a in
            try l.metrics.allSatisfy { m in try l.truth[m].flatMap { try space.lookup($0, a) } != nil }
        }
        if truthCoversPool {
            return StudyReference(
                kind: .truth, name: "truth", metrics: l.metrics,
                scorer: { m, a in try l.truth[m].flatMap { try space.lookup($0, a) } })
        }
        let surrogates = try Dictionary(
            uniqueKeysWithValues: l.metrics.map { m in
                (m, try SurrogateEvaluator(space: space, baseline: baseline, metric: m))
            })
        return StudyReference(
            kind: .surrogate, name: "surrogate of \(surrogates.values.first?.baseline ?? baseline)",
            metrics: l.metrics, scorer: { m, a in try surrogates[m]?.score(a) })
    }
}
