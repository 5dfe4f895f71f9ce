import Foundation

extension LatencyRows {
    /// Every measured architecture of `target` with the `sources`' latencies of the same
    /// architectures: a predictor space's measured table (sources predicted by their
    /// trained predictors), or a measured space's whole pool (sources measured too).
    public static func measured(
        space: SearchSpace, target: String, sources: [String], cacheDirectory: String?
    ) throws -> LatencyRows {
        guard let spec = space.latency else {
            throw SpaceError(file: space.file, field: "latency", problem: "this space has no latency data")
        }
        let sourceModels = try sources.map {
            try LatencyModel.make(space: space, hardware: $0, cacheDirectory: cacheDirectory)
        }
        switch spec.source {
        case .predictor(_, let tables):
            guard let data = tables[target] else { throw LatencyModel.unknownHardware(target, space: space) }
            let predicted = sourceModels.map { $0.predictor!.predict(batch: data.features) }
            return LatencyRows(
                features: data.features, sources: transpose(predicted, rows: data.features.count),
                sourceNames: sources, latencyMs: data.latencyMs,
                embeddings: embeddings(sourceModels) { $0.embedding(batch: data.features) },
                terms: spec.terms.isEmpty ? [] : try data.features.map(spec.termValues))
        case .measured:
            let targetModel = try LatencyModel.make(space: space, hardware: target, cacheDirectory: cacheDirectory)
            let pool = space.latencyPool
            guard let set = space.defaultFeatureSet else {
                throw SpaceError(
                    file: space.file, field: "features", problem: "no feature set to describe architectures")
            }
            return LatencyRows(
                features: try pool.map { try space.features($0, set: set) },
                sources: transpose(try sourceModels.map { try $0.latencyMs(pool) }, rows: pool.count),
                sourceNames: sources, latencyMs: try targetModel.latencyMs(pool))
        }
    }

    /// The last hidden layer of each source that is a trained predictor.
    static func embeddings(_ models: [LatencyModel], _ of: (LatencyPredictor) throws -> [[Double]]) rethrows
        -> [Int: [[Double]]]
    {
        var out: [Int: [[Double]]] = [:]
        for (i, m) in models.enumerated() { if let p = m.predictor { out[i] = try of(p) } }
        return out
    }

    static func transpose(_ columns: [[Double]], rows: Int) -> [[Double]] {
        (0..<rows).map { r in columns.map { $0[r] } }
    }
}

extension SearchSpace {
    /// The architectures a measured latency covers: the space's first pool.
    public var latencyPool: [Architecture] { pools.values.sorted().first.map { tables[$0].architectures } ?? [] }
}
