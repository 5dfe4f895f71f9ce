import Foundation

/// Why the engine cannot create, resume or go on with a run. An evaluator's own failures are
/// `EvaluatorError`; these are the run's (they were `EvaluatorError` too, which named the wrong
/// part to a reader of the code and to anyone matching on the type).
public enum EngineError: Error, CustomStringConvertible, Equatable {
    /// `--resume` named a run the database does not hold.
    case noSuchRun(id: String, database: String)
    /// A saved row that cannot be read back or fails its checks: `what` ("configuration",
    /// "state") and what is wrong with it ("cannot be read ...", "is damaged: ...").
    case damagedRun(id: String, database: String, what: String, problem: String)
    /// Another process holds the run's lock (its PID, when the lock file says).
    case runInUse(id: String, holder: String?)
    /// The run's lock file cannot be opened.
    case lockUnavailable(path: String, reason: String)
    /// Settings, an amendment or a steering request that the rules refuse; the text says which rule.
    case refused(String)
    /// A phase cannot go on (no usable labels, no student, the LLM answered nothing usable).
    case phaseFailed(String)

    public var description: String {
        switch self {
        case .noSuchRun(let id, let database):
            return "no run '\(id.escapingControlCharacters)' in \(database) (llmpp runs lists them)"
        case .damagedRun(let id, let database, let what, let problem):
            return "run '\(id)' in \(database): its saved \(what) \(problem)"
        case .runInUse(let id, let holder):
            return
                "run \(id) is already running in another process (PID \(holder ?? "?")): wait for it or stop it first"
        case .lockUnavailable(let path, let reason):
            return "cannot open the run lock \(path): \(reason)"
        case .refused(let why), .phaseFailed(let why):
            return why
        }
    }
}
