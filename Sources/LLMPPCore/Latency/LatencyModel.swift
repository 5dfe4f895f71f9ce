import Foundation

/// An architecture's latency on one hardware: measured where the space has it for every
/// architecture (NAS-Bench-201), predicted from measured tables otherwise (HAT).
public struct LatencyModel: Sendable {
    public let hardware: String
    public let space: SearchSpace
    enum Kind: Sendable {
        case measured(CompiledExpression)
        case predicted(LatencyPredictor)
        case adapted(AdaptedDevice)
    }
    let kind: Kind

    public var predictor: LatencyPredictor? { if case .predicted(let p) = kind { return p } else { return nil } }
    public var isMeasured: Bool { if case .measured = kind { return true } else { return false } }
    public var adapted: AdaptedDevice? { if case .adapted(let a) = kind { return a } else { return nil } }

    /// What the latencies rest on, in words.
    public var basis: String {
        switch kind {
        case .measured: return "measured"
        case .predicted(let p): return "predicted by an MLP trained on \(p.report.trainRows) measurements"
        case .adapted(let a): return a.basis
        }
    }

    /// Latencies of many architectures at once (one batched forward pass for a predictor).
    public func latencyMs(_ archs: [Architecture]) throws -> [Double] {
        switch kind {
        case .measured(let e): return try archs.map { try space.evaluate(e, $0) }
        case .predicted(let p): return p.predict(batch: try archs.map { try space.features($0, set: p.featureSet) })
        case .adapted(let a): return try a.latencyMs(archs, in: space)
        }
    }

    public func latencyMs(_ arch: Architecture) throws -> Double { try latencyMs([arch])[0] }

    /// Builds the model for a hardware: trains (or loads from `cacheDirectory`) a predictor
    /// when the space's latency is predicted.
    public static func make(
        space: SearchSpace, hardware: String? = nil, cacheDirectory: String?,
        config: TrainingConfig = LatencyPredictor.defaultConfig,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> LatencyModel {
        guard let spec = space.latency else {
            throw SpaceError(file: space.file, field: "latency", problem: "this space has no latency data")
        }
        let hw = hardware ?? spec.defaultHardware
        switch spec.source {
        case .measured(let m):
            guard let e = m[hw] else { throw unknownHardware(hw, space: space) }
            return LatencyModel(hardware: hw, space: space, kind: .measured(e))
        case .predictor(let fs, let tables):
            guard let data = tables[hw] else { throw unknownHardware(hw, space: space) }
            let key = LatencyPredictor.cacheKey(
                space: space.id, hardware: hw, featureSet: fs, data: data, config: config)
            let path = cacheDirectory.map {
                ($0 as NSString).appendingPathComponent("latency-\(space.id)-\(hw)-\(key).bin")
            }
            if let path, let d = FileManager.default.contents(atPath: path),
                let p = try? LatencyPredictor(serialized: d)
            {
                return LatencyModel(hardware: hw, space: space, kind: .predicted(p))
            }
            let p = LatencyPredictor.train(hardware: hw, featureSet: fs, data: data, config: config, progress: progress)
            if let path, let cacheDirectory {
                // A cache that cannot be written only costs a retrain next time.
                try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
                if let d = try? p.serialized() {
                    let tmp = path + ".tmp-\(getpid())"
                    if FileManager.default.createFile(atPath: tmp, contents: d) { _ = rename(tmp, path) }
                }
            }
            return LatencyModel(hardware: hw, space: space, kind: .predicted(p))
        }
    }

    static func unknownHardware(_ hw: String, space: SearchSpace) -> SpaceError {
        SpaceError(
            file: space.file, field: "latency.hardware",
            problem: "no hardware '\(hw)' (has: \(space.latency?.hardware.joined(separator: ", ") ?? "none"))")
    }
}
