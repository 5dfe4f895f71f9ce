/// Architectures of one device as a few-shot method sees them: the space's latency features,
/// the latency every source device has (measured or predicted) for the same architecture,
/// and the target device's measured latency.
public struct LatencyRows: Sendable {
    public var features: [[Double]]
    /// Per row, one latency (ms) per source device, in the order of `sourceNames`.
    public var sources: [[Double]]
    public var sourceNames: [String]
    public var latencyMs: [Double]
    /// Per source device with a trained predictor: each row's last hidden layer of that
    /// predictor (what a fine-tune of its output layer fits on); empty for measured sources.
    public var embeddings: [Int: [[Double]]]
    /// Per row, the space's latency terms (layer counts, MACs: see `LatencyTerm`); empty
    /// where the space names none.
    public var terms: [[Double]]

    public init(
        features: [[Double]], sources: [[Double]], sourceNames: [String], latencyMs: [Double],
        embeddings: [Int: [[Double]]] = [:], terms: [[Double]] = []
    ) {
        precondition(features.count == latencyMs.count && sources.count == latencyMs.count, "latency rows: lengths")
        precondition(terms.isEmpty || terms.count == latencyMs.count, "latency rows: terms")
        self.features = features
        self.sources = sources
        self.sourceNames = sourceNames
        self.latencyMs = latencyMs
        self.embeddings = embeddings
        self.terms = terms
    }

    public var hasTerms: Bool { !terms.isEmpty && !(terms.first?.isEmpty ?? true) }

    public var count: Int { latencyMs.count }

    public func subset(_ indices: [Int]) -> LatencyRows {
        LatencyRows(
            features: indices.map { features[$0] }, sources: indices.map { sources[$0] }, sourceNames: sourceNames,
            latencyMs: indices.map { latencyMs[$0] }, embeddings: embeddings.mapValues { e in indices.map { e[$0] } },
            terms: terms.isEmpty ? [] : indices.map { terms[$0] })
    }

    /// The rows without `indices` (the held-out part of a draw).
    public func removing(_ indices: [Int]) -> LatencyRows {
        let drop = Set(indices)
        return subset(latencyMs.indices.filter { !drop.contains($0) })
    }
}
