import Foundation
import LLMPPCore

/// The expensive predictor of HS-NAS after the switch point: a batch of architectures in,
/// scores out. Every evaluation is counted by the engine; the claim under test is fewer.
public protocol ExpensiveEvaluator: Sendable {
    /// Short name for tables and the UI, e.g. "12-epoch training" or "surrogate of Neuron-wise MoS".
    var name: String { get }
    /// One line saying what it really is.
    var description: String { get }
    func evaluate(_ archs: [Architecture]) async throws -> [Double]
    /// What each evaluation cost as the data recorded it (GPU time the tool cannot spend here);
    /// nil where nothing is recorded: the engine then counts wall time.
    func recordedSeconds(_ archs: [Architecture]) -> [Double]?
    /// What the cost figures are, for labels ("recorded GPU time ...", "wall time").
    var costLabel: String { get }
    /// Scores with what each evaluation cost where known (recorded, or reported by the
    /// evaluator with its answer); the engine counts wall time where it is nil.
    func evaluateCosted(_ archs: [Architecture]) async throws -> CostedScores
}

/// An evaluated batch: one score per architecture, and their costs in seconds when known.
public struct CostedScores: Sendable, Equatable {
    public var scores: [Double]
    public var seconds: [Double]?
    public init(scores: [Double], seconds: [Double]?) {
        self.scores = scores
        self.seconds = seconds
    }
}

extension ExpensiveEvaluator {
    public func recordedSeconds(_ archs: [Architecture]) -> [Double]? { nil }
    public var costLabel: String { "wall time" }
    public func evaluateCosted(_ archs: [Architecture]) async throws -> CostedScores {
        CostedScores(scores: try await evaluate(archs), seconds: recordedSeconds(archs))
    }
}

public struct EvaluatorError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ d: String) { description = d }
}

/// NAS-Bench-201's real 12-epoch training result, looked up (the 200-epoch truth is never used here).
public struct TableEvaluator: ExpensiveEvaluator {
    public let space: SearchSpace
    let expression: CompiledExpression
    public var name: String { "12-epoch training" }
    public var description: String {
        "the real 12-epoch training result of \(space.id) (mini-NAS-Bench-201), looked up"
    }

    public init(space: SearchSpace) throws {
        guard let e = space.cheapEvaluation else {
            throw EvaluatorError("space '\(space.id)' has no cheap_evaluation table; use --evaluator external")
        }
        self.space = space
        expression = e
    }

    public func evaluate(_ archs: [Architecture]) async throws -> [Double] {
        try archs.map { a in
            guard let v = try space.lookup(expression, a) else {
                throw EvaluatorError("\(space.id(a)) is not in the 12-epoch table")
            }
            return v
        }
    }

    public func recordedSeconds(_ archs: [Architecture]) -> [Double]? {
        guard let c = space.evaluationCost else { return nil }
        let s = archs.map { (try? space.lookup(c.seconds, $0)) ?? nil }
        return s.allSatisfy { $0 != nil } ? s.map { $0! } : nil
    }

    public var costLabel: String { space.evaluationCost?.label ?? "wall time" }
}

/// No supernet runs on these machines: a ridge regression on the space's features fitted to
/// one baseline's published supernet scores of the 30 trained architectures. Labelled as a
/// surrogate everywhere it appears.
public struct SurrogateEvaluator: ExpensiveEvaluator {
    public let space: SearchSpace
    public let baseline: String
    let weights: [Double]
    let featureSet: String
    public var name: String { "surrogate of \(baseline)" }
    public var description: String {
        "ridge regression fitted to \(baseline)'s published scores of the \(space.id) trained architectures (a stand-in for its supernet)"
    }

    public init(space: SearchSpace, baseline: String, metric: String = "valid", lambda: Double = 1e-3) throws {
        guard let l = space.labelled,
            let b = l.baselines.first(where: { $0.name.lowercased() == baseline.lowercased() }),
            let expr = b.predictions[metric]
        else {
            let names = space.labelled?.baselines.map(\.name).joined(separator: ", ") ?? "none"
            throw EvaluatorError(
                "space '\(space.id)' has no baseline '\(baseline)' with \(metric) scores (has: \(names))")
        }
        guard let fs = space.defaultFeatureSet else { throw EvaluatorError("space '\(space.id)' has no feature set") }
        let archs = space.tables[l.table].architectures
        let x = try archs.map { try [1] + space.features($0, set: fs) }
        let y = try archs.indices.map { try space.evaluate(expr, archs[$0], row: (l.table, $0)) }
        self.space = space
        self.baseline = b.name
        featureSet = fs
        weights = try Self.ridge(x, y, lambda: lambda)
    }

    /// Solves (X'X + λI) w = X'y (intercept unpenalised) by Gaussian elimination.
    static func ridge(_ x: [[Double]], _ y: [Double], lambda: Double) throws -> [Double] {
        let d = x[0].count
        var a = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: d)
        for (row, t) in zip(x, y) {
            for i in 0..<d {
                for j in 0..<d { a[i][j] += row[i] * row[j] }
                a[i][d] += row[i] * t
            }
        }
        for i in 1..<d { a[i][i] += lambda * Double(x.count) }
        for c in 0..<d {
            guard let p = (c..<d).max(by: { abs(a[$0][c]) < abs(a[$1][c]) }), abs(a[p][c]) > 1e-12 else {
                throw EvaluatorError("the surrogate's regression is singular")
            }
            a.swapAt(c, p)
            for r in 0..<d where r != c {
                let f = a[r][c] / a[c][c]
                for k in c...d { a[r][k] -= f * a[c][k] }
            }
        }
        return (0..<d).map { a[$0][d] / a[$0][$0] }
    }

    public func evaluate(_ archs: [Architecture]) async throws -> [Double] { try archs.map(score) }

    /// One architecture's score: the regression at its features.
    public func score(_ a: Architecture) throws -> Double {
        let f = try [1] + space.features(a, set: featureSet)
        return zip(f, weights).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

/// Stands in where a space has no expensive evaluator and the run is not meant to need one
/// (distill only): asked anyway (the switch moved), it fails with the reason.
public struct UnavailableEvaluator: ExpensiveEvaluator {
    public let reason: String
    public var name: String { "none" }
    public var description: String { reason }
    public func evaluate(_ archs: [Architecture]) async throws -> [Double] { throw EvaluatorError(reason) }
}
