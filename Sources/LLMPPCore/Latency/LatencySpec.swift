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
