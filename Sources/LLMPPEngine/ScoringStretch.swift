/// Consecutive generations scored by one predictor ("0-16 LLM-Distill-PP"). A switch moved
/// after it was reached makes more than two, and a summary that said only "switch at 23"
/// hid which generations the expensive evaluator had scored.
public struct ScoringStretch: Sendable, Equatable {
    public var first: Int
    public var last: Int
    public var scoredBy: ScoreSource

    /// The run's generation log in stretches, in order.
    public static func of(_ log: [GenerationRecord]) -> [ScoringStretch] {
        var out: [ScoringStretch] = []
        for g in log.sorted(by: { $0.index < $1.index }) {
            if let l = out.last, l.scoredBy == g.scoredBy, l.last + 1 == g.index {
                out[out.count - 1].last = g.index
            } else {
                out.append(ScoringStretch(first: g.index, last: g.index, scoredBy: g.scoredBy))
            }
        }
        return out
    }

    /// "0-16 LLM-Distill-PP", "17 12-epoch training": the expensive evaluator by its name.
    public func text(evaluator: String) -> String {
        (first == last ? "\(first)" : "\(first)-\(last)") + " "
            + (scoredBy == .distill ? ScoreSource.distill.predictorName : evaluator)
    }
}
