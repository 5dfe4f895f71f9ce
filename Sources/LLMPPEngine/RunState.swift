import Foundation
import LLMPPCore

public enum Phase: String, Sendable, Codable, CaseIterable {
    case llmpp, labelling, training, search, done
}

/// Which predictor scored a candidate.
public enum ScoreSource: String, Sendable, Codable {
    case distill, expensive

    /// The word JSON and short labels use: "student" or "expensive".
    public var shortName: String { self == .distill ? "student" : "expensive" }

    /// The predictor in a sentence: "LLM-Distill-PP" or "the expensive evaluator".
    public var predictorName: String { self == .distill ? "LLM-Distill-PP" : "the expensive evaluator" }
}

/// One architecture of a generation, with everything the UI and reports show.
public struct Candidate: Sendable, Codable, Equatable {
    public var arch: Architecture
    public var id: String
    public var generation: Int
    /// The fitness the search used (from `source`).
    public var score: Double
    public var source: ScoreSource
    public var distill: Double?
    public var expensive: Double?
    /// Trained-from-scratch truth where the space knows it (never used for selection).
    public var truth: Double?
    public var latencyMs: Double?
    public var gflops: Double
    public var params: Double
    public var pinned: Bool

    public init(
        arch: Architecture, id: String, generation: Int, score: Double, source: ScoreSource, distill: Double?,
        expensive: Double?,
        truth: Double?, latencyMs: Double?, gflops: Double, params: Double, pinned: Bool
    ) {
        self.arch = arch
        self.id = id
        self.generation = generation
        self.score = score
        self.source = source
        self.distill = distill
        self.expensive = expensive
        self.truth = truth
        self.latencyMs = latencyMs
        self.gflops = gflops
        self.params = params
        self.pinned = pinned
    }
}

public struct Counters: Sendable, Codable, Equatable {
    public var llmCalls = 0
    public var cachedAnswers = 0
    public var failedCalls = 0
    public var tokens = 0
    public var costUSD = 0.0
    public var expensiveEvaluations = 0
    public var distillEvaluations = 0

    public init(
        llmCalls: Int = 0, cachedAnswers: Int = 0, failedCalls: Int = 0, tokens: Int = 0, costUSD: Double = 0,
        expensiveEvaluations: Int = 0, distillEvaluations: Int = 0
    ) {
        self.llmCalls = llmCalls
        self.cachedAnswers = cachedAnswers
        self.failedCalls = failedCalls
        self.tokens = tokens
        self.costUSD = costUSD
        self.expensiveEvaluations = expensiveEvaluations
        self.distillEvaluations = distillEvaluations
    }
}

/// Everything needed to continue a run exactly where it stopped.
public struct RunState: Sendable, Codable, Equatable {
    public var phase: Phase = .llmpp
    public var paused = false
    /// The user paused it (Space), as opposed to a quit or a failure: an explorer resuming
    /// the run starts it paused again. Optional: older runs decode without it.
    public var pausedByUser: Bool? = nil
    public var finished = false
    public var error: String? = nil
    public var llmppDone = 0
    /// LLM-PP predictions of the split's test architectures (phase 1), by arch id.
    public var llmppPredictions: [String: Double] = [:]
    /// The leave-one-out answers of the split's demonstrations, by demonstration (nil: not yet
    /// asked, or failed), when LLM-PP is calibrated; the predictions above stay as answered.
    public var llmppCalibrationAnswers: [Double?]? = nil
    public var labelsDone = 0
    public var labelsFailed = 0
    public var trainingStep = 0
    /// Mean training loss per chunk (standardised targets).
    public var lossCurve: [Double] = []
    public var generation = 0
    /// The population to score next (generation `generation`).
    public var population: [Architecture] = []
    public var rng: SeededGenerator
    public var pinned: [Architecture] = []
    public var banned: [String] = []
    public var injected: [Architecture] = []
    /// Ids of injected architectures in the population to score next: its generation says
    /// where they ranked (a new user injected one and could not find it in any generation).
    public var arrivingInjections: [String]? = nil
    public var counters = Counters()
    public var best: Candidate? = nil
    public var lastGeneration: [Candidate] = []
    public var switchReachedAt: Int? = nil
    // Added with the anytime schedule and search hours; optional so that older runs load.
    /// The architectures to label, in order (anytime: grown as the search visits them).
    public var anytimeTargets: [Architecture]? = nil
    /// Labels the current student was trained on.
    public var studentLabels: Int? = nil
    public var generationLog: [GenerationRecord]? = nil
    /// When the run was created (seconds since 1970), for the time to the first generation.
    public var startedAt: Double? = nil
    public var firstGenerationSeconds: Double? = nil
    /// Wall time of the LLM calls that were paid (not cached).
    public var llmSeconds: Double? = nil
    /// Cost of the expensive evaluations: recorded (the data's) where the evaluator knows it, else wall time.
    public var expensiveSeconds: Double? = nil
    /// Architectures scored by the student and never (yet) by the expensive evaluator.
    public var studentScoredIDs: Set<String>? = nil

    public init(seed: UInt64) { rng = SeededGenerator(seed: seed &+ 0xE70) }

    /// What a saved state cannot hold (a hand-edited or damaged row: a negative count trapped
    /// the resume in `dropFirst`), or nil.
    public var problem: String? {
        let counts: [(String, Int)] = [
            ("llmppDone", llmppDone), ("labelsDone", labelsDone), ("labelsFailed", labelsFailed),
            ("trainingStep", trainingStep), ("generation", generation), ("studentLabels", studentLabels ?? 0),
            ("switchReachedAt", switchReachedAt ?? 0), ("counters.llmCalls", counters.llmCalls),
            ("counters.tokens", counters.tokens), ("counters.expensiveEvaluations", counters.expensiveEvaluations),
        ]
        if let (name, value) = counts.first(where: { $0.1 < 0 }) { return "\(name) is negative (\(value))" }
        let seconds = [counters.costUSD, llmSeconds ?? 0, expensiveSeconds ?? 0]
        if seconds.contains(where: { !$0.isFinite || $0 < 0 }) {
            return "a cost or time is not a finite, non-negative number"
        }
        return nil
    }
}
