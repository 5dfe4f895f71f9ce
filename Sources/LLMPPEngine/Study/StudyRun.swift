import Foundation
import LLMPPCore

/// One engine run of a study, driven to its end without a user.
enum StudyRun {
    static func run(
        config: RunConfig, environment env: EngineEnvironment, runID: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> (Engine, RunState) {
        let id = runID + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let engine = try await Engine.create(config: config, environment: env, runID: id)
        let state = await engine.runToEnd { events in
            var labels = StudyProgressLine(what: "labelling")
            var predictions = StudyProgressLine(what: "LLM-PP")
            for await e in events {
                switch e {
                case .labelProgress(let d, let t, _, let c): labels.update(d, t, fromCache: c).map(progress)
                case .llmppProgress(let d, let t, let c): predictions.update(d, t, fromCache: c).map(progress)
                case .trainingLoss(let s, let t, _) where s == t: progress("  student trained (\(t) steps)")
                case .error(let m): progress("  error: \(m)")
                default: break
                }
            }
        }
        if let err = state.error { throw EngineError.phaseFailed("run \(id): \(err)") }
        return (engine, state)
    }
}

/// A study's progress line for countable LLM work, with rate, elapsed time and ETA: said at
/// each tenth of the total and at least once a minute, so a long labelling is never silent.
/// The clock starts at the first report; what was done by then and the answers taken from the
/// cache (`fromCache`, counted from the engine's start) are left out of the rate.
struct StudyProgressLine {
    let what: String
    var start: (date: Date, done: Int)? = nil
    var lastTenth = -1
    var lastSaid = Date.distantPast

    mutating func update(_ done: Int, _ total: Int, fromCache: Int = 0, now: Date = Date()) -> String? {
        let begun = start ?? (now, done - fromCache)
        start = begun
        let tenth = total > 0 ? done * 10 / total : 0
        guard tenth != lastTenth || now.timeIntervalSince(lastSaid) >= 60 else { return nil }
        lastTenth = tenth
        lastSaid = now
        let rate = ProgressRate(
            done: done, total: total, doneBefore: begun.done + fromCache, elapsed: now.timeIntervalSince(begun.date))
        return "  \(what) \(rate.text)"
    }
}
