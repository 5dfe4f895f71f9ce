import Foundation

/// The paper's headline measure: hours of search. LLM labelling counts its measured wall
/// time; expensive evaluations count the data's recorded cost where the evaluator knows it
/// (else wall time). `saved` estimates what the switch saved against the same run with the
/// switch at 0: the architectures only the student scored, at the mean cost of an expensive
/// evaluation, minus the LLM's time.
public struct SearchHours: Sendable, Equatable {
    public var llm: Double
    public var expensive: Double
    /// nil when nothing was scored by the student, or no expensive evaluation gives a mean cost.
    public var saved: Double?
    /// How the expensive figures were counted (the evaluator's cost label).
    public var costLabel: String
    /// How the LLM's figure was counted: a different clock from a recorded GPU time, said
    /// beside it (an audit read one "hours" sum of the two as one kind of time).
    public static let llmCostLabel = "wall time of the LLM's calls on this machine"

    public init(state: RunState, costLabel: String) {
        llm = (state.llmSeconds ?? 0) / 3600
        expensive = (state.expensiveSeconds ?? 0) / 3600
        self.costLabel = costLabel
        let studentOnly = (state.studentScoredIDs ?? []).count
        if studentOnly > 0, state.counters.expensiveEvaluations > 0 {
            let mean = expensive / Double(state.counters.expensiveEvaluations)
            saved = Double(studentOnly) * mean - llm
        } else {
            saved = nil
        }
    }

    public var total: Double { llm + expensive }
}
