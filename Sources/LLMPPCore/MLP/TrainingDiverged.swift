/// A training chunk whose loss became NaN or infinite (a learning rate too high for the
/// data). The weights are NaN from then on: nothing of the chunk may be kept or stored.
public struct TrainingDiverged: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based step whose loss was first not finite.
    public let step: Int
    public let loss: Double

    /// NaN prints as "nan" whatever its sign bit ("-nan" says nothing more).
    public var description: String {
        "training diverged (loss \(loss.isNaN ? "nan" : "\(loss)") at step \(step)): lower --train-lr"
    }
}

extension MLPTrainer {
    /// `train(steps:)`, but a chunk with a loss that is not finite throws and leaves the
    /// trainer as it was before the chunk (its checkpoint holds no NaN).
    public mutating func trainChecked(steps count: Int) throws -> Double {
        var next = self
        let loss = next.train(steps: count)
        let new = next.losses[losses.count...]
        if let i = new.firstIndex(where: { !$0.isFinite }) { throw TrainingDiverged(step: i + 1, loss: next.losses[i]) }
        guard loss.isFinite else { throw TrainingDiverged(step: next.step, loss: loss) }
        self = next
        return loss
    }
}
