import Foundation

/// How a run spends its label budget against the search.
public enum Schedule: String, Sendable, Codable, CaseIterable {
    /// The paper: label every architecture, train the student, then search.
    case paper
    /// Search as soon as a first student exists; label the rest while the search runs, on the
    /// architectures it visits, retraining the student warm as labels land.
    case anytime
}

/// The anytime schedule: W warm-up labels and a short training before generation 0; then
/// generation g (before the switch) is scored by a student trained on the first
/// L(g) = min(N, W + g K) labels. L is fixed in advance, so that a resumed run equals an
/// uninterrupted one whatever the LLM's speed.
public struct AnytimeSchedule: Sendable, Codable, Equatable {
    public var warmupLabels = 24
    public var labelsPerGeneration = 4
    /// Steps of the first, short training.
    public var warmupSteps = 500
    /// Steps of each warm retraining when a batch of labels has landed.
    public var retrainSteps = 300

    public init(warmupLabels: Int = 24, labelsPerGeneration: Int = 4, warmupSteps: Int = 500, retrainSteps: Int = 300) {
        self.warmupLabels = warmupLabels
        self.labelsPerGeneration = labelsPerGeneration
        self.warmupSteps = warmupSteps
        self.retrainSteps = retrainSteps
    }

    /// For a run whose full training is `trainingSteps`: the warm-up training (500 steps) and
    /// each warm retraining (300) never longer than that.
    public init(warmupLabels: Int, labelsPerGeneration: Int, trainingSteps: Int) {
        self.init(
            warmupLabels: warmupLabels, labelsPerGeneration: labelsPerGeneration,
            warmupSteps: min(500, trainingSteps), retrainSteps: min(300, trainingSteps))
    }

    /// L(g): the labels the student scoring generation g rests on, within a budget of `budget`.
    public func labels(forGeneration g: Int, budget: Int) -> Int {
        // Saturating: a schedule read from a hand-edited run must not trap here.
        let (grown, overflowed) = max(0, g).multipliedReportingOverflow(by: max(0, labelsPerGeneration))
        let (total, overflowedToo) = max(0, warmupLabels).addingReportingOverflow(grown)
        return overflowed || overflowedToo ? budget : min(budget, total)
    }

    /// The first generation whose student rests on the whole budget (L(g) reaches it); nil
    /// where the search labels nothing or the warm-up already spends the budget.
    public func generationWithEveryLabel(budget: Int) -> Int? {
        guard labelsPerGeneration > 0, budget > warmupLabels else { return nil }
        return (budget - warmupLabels + labelsPerGeneration - 1) / labelsPerGeneration
    }

    public var problem: String? {
        let labels = RunConfig.Bounds.labels
        if !(1...labels.upperBound).contains(warmupLabels) {
            return "warm-up labels must be in 1...\(labels.upperBound), got \(warmupLabels)"
        }
        if !labels.contains(labelsPerGeneration) {
            return "labels per generation must be in 0...\(labels.upperBound), got \(labelsPerGeneration)"
        }
        if !RunConfig.Bounds.trainSteps.contains(warmupSteps)
            || !(0...RunConfig.Bounds.trainSteps.upperBound).contains(retrainSteps)
        {
            return "the anytime training steps must be in 1...\(RunConfig.Bounds.trainSteps.upperBound)"
        }
        return nil
    }
}

/// One generation as the run scored it: by which predictor, and for the student, on how many
/// labels; with the wall time since the run began and the search hours spent by then.
public struct GenerationRecord: Sendable, Codable, Equatable {
    public var index: Int
    public var scoredBy: ScoreSource
    /// Labels the scoring student rested on (nil after the switch).
    public var studentLabels: Int?
    public var wallSeconds: Double
    public var newExpensiveEvaluations: Int

    public init(
        index: Int, scoredBy: ScoreSource, studentLabels: Int?, wallSeconds: Double, newExpensiveEvaluations: Int
    ) {
        self.index = index
        self.scoredBy = scoredBy
        self.studentLabels = studentLabels
        self.wallSeconds = wallSeconds
        self.newExpensiveEvaluations = newExpensiveEvaluations
    }
}
