/// Where an architecture's latency comes from, per hardware.
public struct LatencySpec: Sendable {
    public enum Source: Sendable {
        /// A measured value per architecture (an expression reading a table).
        case measured([String: CompiledExpression])
        /// A predictor trained on measured tables, over a feature set of the space.
        case predictor(featureSet: String, tables: [String: LatencyTrainingData])
    }

    public let defaultHardware: String
    public let source: Source
    /// Quantities latency grows with, computed from a row of latency features (see
    /// `LatencyTerm`); empty where the space names none.
    public let terms: [LatencyTerm]

    init(defaultHardware: String, source: Source, terms: [LatencyTerm] = []) {
        self.defaultHardware = defaultHardware
        self.source = source
        self.terms = terms
    }

    /// The terms' values for one row of latency features.
    public func termValues(_ features: [Double]) throws -> [Double] {
        let ctx = RowContext(values: features.map(ExpressionValue.number))
        return try terms.map { try $0.expression.number(ctx) }
    }

    /// Measured for every architecture (nothing to predict), rather than predicted from tables.
    public var isMeasured: Bool { if case .measured = source { return true } else { return false } }

    public var hardware: [String] {
        switch source {
        case .measured(let m): return m.keys.sorted()
        case .predictor(_, let t): return t.keys.sorted()
        }
    }
}

/// A measured latency table: features of each sampled architecture and its latency (ms).
public struct LatencyTrainingData: Sendable {
    public let file: String
    public let features: [[Double]]
    public let latencyMs: [Double]
}

/// A named quantity a device's latency grows with, e.g. "decoder layers" or "encoder GMACs":
/// an expression over the latency feature columns. On most devices latency is close to a
/// linear function of a few of them (a GPU's follows the layer count, a CPU's the MACs),
/// which a handful of measurements can fit.
public struct LatencyTerm: Sendable {
    public let name: String
    public let expression: CompiledExpression
}
