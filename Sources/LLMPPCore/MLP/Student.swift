import Foundation

/// LLM-Distill-PP's student: an MLP from a space's feature encoding to the LLM's labels,
/// targets standardised (the raw scale of BLEU would take the paper's lr of 1e-5 far more
/// steps to reach). Trained in chunks, checkpointable as a whole.
public struct StudentTrainer: Sendable, Codable {
    public let featureSet: String
    public let targetMean: Double
    public let targetScale: Double
    public private(set) var trainer: MLPTrainer<Float>

    /// `warmStart`: a student to continue from (the anytime schedule's retraining); its target
    /// standardisation is kept, so its weights keep their meaning as labels are added.
    public init(
        featureSet: String, features: [[Double]], labels: [Double], config: TrainingConfig,
        warmStart: StudentModel? = nil
    ) {
        self.featureSet = featureSet
        if let w = warmStart {
            targetMean = w.targetMean
            targetScale = w.targetScale
        } else {
            targetMean = Metrics.mean(labels)
            let s = Metrics.std(labels)
            targetScale = s > 1e-9 ? s : 1
        }
        trainer = MLPTrainer<Float>(
            inputs: features, targets: labels.map { [targetMean, targetScale] in ($0 - targetMean) / targetScale },
            config: config, initial: warmStart?.model)
    }

    public var finished: Bool { trainer.finished }
    public var step: Int { trainer.step }
    public var losses: [Double] { trainer.losses }

    @discardableResult
    public mutating func train(steps: Int) -> Double { trainer.train(steps: steps) }

    /// See `MLPTrainer.trainChecked`: a diverging chunk throws and is not kept.
    public mutating func trainChecked(steps: Int) throws -> Double { try trainer.trainChecked(steps: steps) }

    public var model: StudentModel {
        StudentModel(featureSet: featureSet, targetMean: targetMean, targetScale: targetScale, model: trainer.model)
    }
}

public struct StudentModel: Sendable, Codable {
    public let featureSet: String
    public let targetMean: Double
    public let targetScale: Double
    public let model: MLP<Float>

    public func predict(features rows: [[Double]]) -> [Double] {
        model.predict(rows).map { $0 * targetScale + targetMean }
    }

    public func predict(_ archs: [Architecture], in space: SearchSpace) throws -> [Double] {
        predict(features: try archs.map { try space.features($0, set: featureSet) })
    }
}

extension StudentTrainer {
    public func checkpoint() throws -> Data { try trainer.checkpoint() }
    public mutating func restore(_ d: Data) throws { try trainer.restore(d) }
}
