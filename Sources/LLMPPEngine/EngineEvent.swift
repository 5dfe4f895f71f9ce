import Foundation
import LLMPPCore
import LLMPPStore

/// What the engine tells its watchers (the TUI, headless progress lines), in order.
public enum EngineEvent: Sendable {
    case phaseChanged(Phase)
    case callStarted(archID: String?)
    case callFinished(CallRecord)
    /// `fromCache`: answers this process took from the cache so far (see `Engine.answersFromCache`).
    case llmppProgress(done: Int, total: Int, fromCache: Int)
    case labelProgress(done: Int, total: Int, failed: Int, fromCache: Int)
    case trainingLoss(step: Int, total: Int, loss: Double)
    /// `expensiveEvaluations`: the run's count once this generation was scored (a listener that
    /// read it from a later snapshot could see the next generation's).
    case generationDone(
        generation: Int, source: ScoreSource, population: [Candidate], pareto: [Candidate], expensiveEvaluations: Int)
    case switchReached(generation: Int)
    case paused(Bool)
    case settingsChanged(RunConfig)
    case error(String)
    /// A message for the status line (a steering outcome): not an error.
    case notice(String)
    case finished(best: Candidate?)
}

/// The engine's state at one moment: what a watcher mirrors.
public struct EngineSnapshot: Sendable {
    public var runID: String
    public var config: RunConfig
    public var state: RunState
    public var providerName: String
    public var evaluatorName: String
    public var labelTarget: Int
    /// The answers the LLM-PP phase asks for: the test architectures, plus the demonstrations
    /// left out one by one where the run calibrates.
    public var testCount: Int
    public var running: Bool
    /// What the expensive evaluator's costs are ("recorded GPU time ...", "wall time").
    public var costLabel: String = "wall time"
    /// The LLM batch or evaluation in flight, if any.
    public var waiting: Waiting? = nil
    /// What the provider is doing meanwhile (starting its server, a long first prompt).
    public var activity: Activity? = nil
    /// For a device saved from a few measurements: how many its latency model rests on.
    public var latencyMeasurements: Int? = nil
    /// Answers this process took from the cache, by phase (see `Engine.answersFromCache`).
    public var answersFromCache: [Phase: Int] = [:]
    /// A unit runs now: paused, the run stops once it ends ("PAUSING" until then).
    public var unitInFlight: Bool = false
    /// The last generations (oldest first), the Pareto front, the newest calls (newest
    /// first) and the predictors' quality: what a watcher shows besides the state. Only
    /// `Engine.snapshots()` fills them; `snapshot()` leaves them empty.
    public var history: [[Candidate]] = []
    public var pareto: [Candidate] = []
    public var calls: [CallRecord] = []
    public var quality: [(String, [PredictorQuality])] = []
    public var qualityPoints: [QualityPoint] = []
    public var hours: SearchHours { SearchHours(state: state, costLabel: costLabel) }
}
