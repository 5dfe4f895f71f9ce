import Foundation

extension StudentModel {
    struct Header: Codable { var featureSet: String, targetMean: Double, targetScale: Double }

    /// A JSON header line, then the network's binary weights.
    public func serialized() throws -> Data {
        var d = try JSONEncoder().encode(
            Header(featureSet: featureSet, targetMean: targetMean, targetScale: targetScale))
        d.append(0x0A)
        d.append(model.serialized())
        return d
    }

    public init(serialized d: Data) throws {
        guard let nl = d.firstIndex(of: 0x0A) else { throw MalformedWeights("no student header") }
        let h = try JSONDecoder().decode(Header.self, from: d[d.startIndex..<nl])
        self.init(
            featureSet: h.featureSet, targetMean: h.targetMean, targetScale: h.targetScale,
            model: try MLP<Float>(serialized: Data(d[(nl + 1)...])))
    }

    /// What identifies a trained student: its inputs in order, its labels and its training
    /// settings. Training is deterministic, so equal keys mean equal networks.
    public static func cacheKey(featureSet: String, ids: [String], labels: [Double], config: TrainingConfig) -> String {
        var text =
            "student v2|\(featureSet)|\(config.hidden)|\(config.learningRate)|\(config.steps)|\(config.batchSize)|\(config.seed)"
        text += "|\(config.beta1)|\(config.beta2)|\(config.epsilon)"
        for (id, v) in zip(ids, labels) { text += "|\(id)=\(v.bitPattern)" }
        return StableHash.long(text)
    }
}
