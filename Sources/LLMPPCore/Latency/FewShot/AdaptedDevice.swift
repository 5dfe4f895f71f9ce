import Foundation

/// A saved device's latency model: its method refitted on its measurements, reading the
/// source devices' latencies of each architecture where the method uses them.
public struct AdaptedDevice: Sendable {
    public let saved: SavedDevice
    public let fit: AdaptedLatencyFit
    let sources: [LatencyModel]
    let featureSet: String?

    func latencyMs(_ archs: [Architecture], in space: SearchSpace) throws -> [Double] {
        let rows = try LatencyRows.of(
            archs, latencyMs: nil, space: space, featureSet: featureSet, sources: sources,
            withEmbeddings: fit.readsEmbeddings)
        return fit.predict(rows)
    }

    /// What the model rests on, in words (every screen that shows its latencies says it).
    public var basis: String {
        let used = fit.sourceUsed.map { " of \($0)" } ?? ""
        let cv = saved.crossValidation.mape.map { String(format: ", leave-one-out error %.1f%%", $0 * 100) } ?? ""
        return "adapted from \(saved.measurements.count) measurements (\(fit.method.rawValue)\(used)\(cv))"
    }
}

extension LatencyRows {
    /// Architectures as rows: their latency features, the sources' latencies, and the
    /// measured latency where known (0 otherwise, for rows only predicted). The sources'
    /// hidden layers only `withEmbeddings` (a fine-tune reads them; a search asks every
    /// generation, and 400 activations per source and architecture are not free).
    static func of(
        _ archs: [Architecture], latencyMs: [Double]?, space: SearchSpace, featureSet: String?,
        sources: [LatencyModel], withEmbeddings: Bool
    ) throws -> LatencyRows {
        // Without a source device the efficiency formulas are the best clue there is: log
        // FLOPs and log parameters join the features (latency follows FLOPs on most devices).
        let own = try archs.map { a in try featureSet.map { try space.features(a, set: $0) } ?? [] }
        // The terms read the latency feature columns, the predictor's own set.
        let spec = space.latency
        let terms =
            spec.map { !$0.terms.isEmpty && featureSet == space.latencyFeatureSet } == true
            ? try own.map { try spec!.termValues($0) } : []
        let features = try zip(archs, own).map { a, f in
            guard sources.isEmpty else { return f }
            return f + [log(max(try space.flops(a), 1)), log(max(try space.params(a), 1))]
        }
        let columns = try sources.map { try $0.latencyMs(archs) }
        return LatencyRows(
            features: features, sources: transpose(columns, rows: archs.count), sourceNames: sources.map(\.hardware),
            latencyMs: latencyMs ?? [Double](repeating: 0, count: archs.count),
            embeddings: !withEmbeddings
                ? [:]
                : try embeddings(sources) { p in
                    // With sources the rows' features are the predictor's own set: no second evaluation.
                    p.embedding(
                        batch: p.featureSet == featureSet
                            ? features : try archs.map { try space.features($0, set: p.featureSet) })
                }, terms: terms)
    }
}

extension SearchSpace {
    /// The features a latency model reads: the predictor's set where the space has one,
    /// else the space's default set.
    public var latencyFeatureSet: String? {
        if case .predictor(let fs, _) = latency?.source { return fs }
        return defaultFeatureSet
    }
}

extension LatencyModel {
    /// Fits a model for a device nobody measured before from its measurements; returns it,
    /// the record to save and the measurements as rows (for comparing methods). `sources`
    /// nil: every built-in device of the space.
    public static func adapt(
        space: SearchSpace, name: String, measurements m: LatencyMeasurements, method: LatencyAdaptationMethod,
        sources: [String]?, cacheDirectory: String?
    ) throws -> (model: LatencyModel, device: SavedDevice, rows: LatencyRows) {
        let names = sources ?? space.latency?.hardware ?? []
        let (fit, models, rows) = try fitDevice(
            m.architectures, m.latencyMs, space: space, method: method, sources: names, cacheDirectory: cacheDirectory)
        let device = SavedDevice(
            space: space.id, name: name, method: method, chosen: fit.method, sources: names,
            measurements: zip(m.architectures, m.latencyMs).map {
                .init(architecture: space.canonicalText($0.0), latencyMs: $0.1)
            },
            crossValidation: .init(LatencyAdaptation.crossValidate(fit.method, rows)))
        let adapted = AdaptedDevice(saved: device, fit: fit, sources: models, featureSet: space.latencyFeatureSet)
        return (LatencyModel(hardware: name, space: space, kind: .adapted(adapted)), device, rows)
    }

    /// A saved device's model, refitted from its measurements by the method it resolved to.
    public static func adapted(_ saved: SavedDevice, space: SearchSpace, cacheDirectory: String?) throws
        -> LatencyModel
    {
        let archs = try saved.measurements.enumerated().map { (i, m) in
            do { return try space.parse(m.architecture) } catch {
                throw SpaceError(
                    file: "saved device '\(saved.name)'", field: "measurement \(i + 1)",
                    problem: "no longer an architecture of \(space.id): \(error)")
            }
        }
        if let (i, earlier) = LatencyMeasurements.firstRepeat(archs, space: space) {
            throw SpaceError(
                file: "saved device '\(saved.name)'", field: "measurement \(i + 1)",
                problem: "the same architecture as measurement \(earlier + 1)")
        }
        let (fit, models, _) = try fitDevice(
            archs, saved.measurements.map(\.latencyMs), space: space, method: saved.chosen, sources: saved.sources,
            cacheDirectory: cacheDirectory)
        let adapted = AdaptedDevice(saved: saved, fit: fit, sources: models, featureSet: space.latencyFeatureSet)
        return LatencyModel(hardware: saved.name, space: space, kind: .adapted(adapted))
    }

    /// `method` fitted on measured architectures, with the source models it reads them
    /// through. The rows carry every input a method can read (k rows: cheap), so that the
    /// caller can compare all methods on them.
    static func fitDevice(
        _ archs: [Architecture], _ latencyMs: [Double], space: SearchSpace, method: LatencyAdaptationMethod,
        sources: [String], cacheDirectory: String?
    ) throws -> (fit: AdaptedLatencyFit, sources: [LatencyModel], rows: LatencyRows) {
        let models = try sources.map { try make(space: space, hardware: $0, cacheDirectory: cacheDirectory) }
        let rows = try LatencyRows.of(
            archs, latencyMs: latencyMs, space: space, featureSet: space.latencyFeatureSet, sources: models,
            withEmbeddings: true)
        return (LatencyAdaptation.fit(method, rows), models, rows)
    }

    /// A built-in device, or one saved under `dataDirectory` (`llmpp latency --measurements`).
    public static func make(
        space: SearchSpace, hardware: String?, dataDirectory: String?, progress: ((Int, Int) -> Void)? = nil
    ) throws -> LatencyModel {
        let cache = dataDirectory.map { ($0 as NSString).appendingPathComponent("cache") }
        if let hw = hardware, !(space.latency?.hardware.contains(hw) ?? false), let dataDirectory {
            if let saved = try SavedDevice.load(dataDirectory: dataDirectory, space: space.id, name: hw) {
                return try adapted(saved, space: space, cacheDirectory: cache)
            }
            let built = space.latency?.hardware ?? []
            let mine = SavedDevice.names(dataDirectory: dataDirectory, space: space.id)
            throw SpaceError(
                file: space.file, field: "latency.hardware",
                problem:
                    "no hardware '\(hw)' (built in: \(built.isEmpty ? "none" : built.joined(separator: ", ")); saved: \(mine.isEmpty ? "none" : mine.joined(separator: ", "))). Add one from a few measurements with 'llmpp latency --space \(space.id) --hardware \(hw) --measurements FILE.csv'"
            )
        }
        return try make(space: space, hardware: hardware, cacheDirectory: cache, progress: progress)
    }
}
