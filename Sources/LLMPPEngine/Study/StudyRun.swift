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
            var lastTenth = -1
            for await e in events {
                switch e {
                case .labelProgress(let d, let t, _):
                    let tenth = t > 0 ? d * 10 / t : 0
                    if tenth != lastTenth {
                        lastTenth = tenth
                        progress("  labelling \(d)/\(t)")
                    }
                case .llmppProgress(let d, let t) where d == t: progress("  LLM-PP \(d)/\(t)")
                case .trainingLoss(let s, let t, _) where s == t: progress("  student trained (\(t) steps)")
                case .error(let m): progress("  error: \(m)")
                default: break
                }
            }
        }
        if let err = state.error { throw EvaluatorError("run \(id): \(err)") }
        return (engine, state)
    }
}
