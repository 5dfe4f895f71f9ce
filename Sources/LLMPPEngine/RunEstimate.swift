import Foundation
import LLMPPCore

/// How long a run's settings take, said before it starts: each part from something measured
/// (this data directory's earlier answers of the same model, training steps timed now, the
/// data's recorded evaluation costs and the pace), or said to be unknown and why. Never a
/// typed-in figure.
public struct RunEstimate: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        /// "labels", "LLM-PP", "training", "search".
        public var name: String
        /// Wall-clock seconds; nil where nothing measured says.
        public var seconds: Double?
        /// The sum behind the figure, e.g. "40 × 3.1 s (median of 212 earlier answers)".
        public var detail: String
        /// Answers the LLM is to be asked in this part (none: answered from the cache, or no LLM).
        public var llmAnswers = 0

        /// Whether this part asks the LLM anything.
        public var asksTheLLM: Bool { llmAnswers > 0 }

        public init(name: String, seconds: Double?, detail: String) {
            self.name = name
            self.seconds = seconds
            self.detail = detail
        }
    }

    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// The known parts' sum.
    public var seconds: Double { parts.compactMap(\.seconds).reduce(0, +) }
    public var isComplete: Bool { parts.allSatisfy { $0.seconds != nil } }

    /// "estimate: ~6m10s (labels 40 × 3.1 s ... · training ... · search ...)".
    public var line: String {
        guard !parts.isEmpty else { return "estimate: nothing left to run" }
        let total = (isComplete ? "~" : "at least ") + ProgressRate.duration(seconds)
        return "estimate: \(total) (" + parts.map { "\($0.name) \($0.detail)" }.joined(separator: " · ") + ")"
    }

    /// "estimate: ~6m10s (labels 2m04s · training 19s · search 2m15s)": each part's time
    /// alone, for a status line (the whole sums were cut even at 200 columns; `line` has them).
    public var shortLine: String {
        guard !parts.isEmpty else { return line }
        let total = (isComplete ? "~" : "at least ") + ProgressRate.duration(seconds)
        return "estimate: \(total) ("
            + parts.map { "\($0.name) " + ($0.seconds.map(ProgressRate.duration) ?? "unknown") }.joined(
                separator: " · ") + ")"
    }

    /// Seconds in the unit a reader compares best: "3.1 s", "24 ms", "2.1 min", "1.5 h".
    static func unit(_ s: Double) -> String {
        if s < 1 { return String(format: "%.0f ms", s * 1000) }
        if s < 120 { return String(format: "%.1f s", s) }
        if s < 7200 { return String(format: "%.1f min", s / 60) }
        return String(format: "%.1f h", s / 3600)
    }
}

extension RunEstimate.Part {
    /// The LLM's part: `answers` at the measured seconds each, `concurrency` at once.
    static func llm(
        _ name: String, answers: Int, secondsEach: (median: Double, count: Int)?, concurrency: Int, provider: String
    ) -> RunEstimate.Part {
        guard let s = secondsEach else {
            var part = RunEstimate.Part(
                name: name, seconds: nil,
                detail:
                    "\(answers) answers: time unknown (no earlier answers of \(provider) here; the bar shows the rate once they land)"
            )
            part.llmAnswers = answers
            return part
        }
        let c = max(1, concurrency)
        let wall = Double(answers) * s.median / Double(c)
        var part = RunEstimate.Part(
            name: name, seconds: wall,
            detail:
                "\(answers) × \(RunEstimate.unit(s.median))\(c > 1 ? " ÷ \(c) at once" : "") = \(ProgressRate.duration(wall)) (median of \(s.count) earlier answers of \(provider) here)"
        )
        part.llmAnswers = answers
        return part
    }

    static func training(steps: Int, secondsEach: Double?) -> RunEstimate.Part {
        guard let s = secondsEach else {
            return RunEstimate.Part(
                name: "training", seconds: nil, detail: "\(steps) steps: time unknown (no features to time)")
        }
        let wall = Double(steps) * s
        return RunEstimate.Part(
            name: "training", seconds: wall,
            detail: "\(steps) steps × \(RunEstimate.unit(s)) (timed now) = \(ProgressRate.duration(wall))")
    }

    /// The search: student-scored generations cost ~nothing; each expensive one evaluates its
    /// new architectures at their recorded cost, slept out divided by the pace.
    static func search(
        generations: Int, expensiveGenerations: Int, evaluations: Int, recordedEach: Double?, pace: Double?,
        costLabel: String
    ) -> RunEstimate.Part {
        let head = "\(generations) generations"
        guard evaluations > 0 else {
            return RunEstimate.Part(
                name: "search", seconds: 0, detail: "\(head), all scored by LLM-Distill-PP: seconds")
        }
        let evals = "\(head), \(expensiveGenerations) expensive with ≤\(Activity.grouped(evaluations)) evaluations"
        guard let r = recordedEach else {
            return RunEstimate.Part(
                name: "search", seconds: nil, detail: "\(evals): time unknown until the first batch (\(costLabel))")
        }
        let recorded = Double(evaluations) * r
        guard let pace else {
            return RunEstimate.Part(
                name: "search", seconds: 0,
                detail:
                    "\(evals) × \(RunEstimate.unit(r)) = \(RunEstimate.unit(recorded)) of \(costLabel), counted, not slept"
            )
        }
        let wall = recorded / pace
        return RunEstimate.Part(
            name: "search", seconds: wall,
            detail:
                "\(evals) × \(RunEstimate.unit(r)) of \(costLabel) ÷ pace \(Int(pace))x = \(ProgressRate.duration(wall))"
        )
    }
}
