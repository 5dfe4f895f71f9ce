import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine

/// A run driven without the explorer (`search`, `distill`): the engine runs to the end and
/// its events become progress lines on stderr.
enum HeadlessRun {
    /// Runs the engine to the end; a failed run says how to continue it (`label` is the command,
    /// `dataDirectory` the one the user named, if any).
    static func drive(_ engine: Engine, label: String, folders: ResumeHint.Folders) async throws -> RunState {
        let snap = await engine.snapshot()
        StandardError.line(
            "run \(snap.runID): \(snap.config.space), provider \(snap.providerName), evaluator \(snap.evaluatorName), switch at \(snap.config.switchAt)/\(snap.config.evolution.iterations), constraint \(snap.config.constraint.summary)"
        )
        StandardError.line(await engine.estimate().line)
        let waits = watchWaits(engine)
        let interruption = Interruption { Task { await engine.pause() } }
        defer {
            waits.cancel()
            interruption.cancel()
        }
        let state = await engine.runToEnd { events in
            var lines = ProgressLines(
                start: Date(), labelsDone: snap.state.labelsDone, llmppDone: snap.state.llmppDone,
                generation: snap.state.generation, iterations: snap.config.evolution.iterations)
            for await e in events {
                if let line = lines.line(for: e) { StandardError.line(line) }
            }
        }
        let resume = ResumeHint.command(label, runID: snap.runID, folders: folders)
        if let err = state.error { throw CLIError("\(err)\nthe run is saved: continue with: \(resume)") }
        if interruption.interrupted && !state.finished {
            StandardError.line("the run is saved: continue with: \(resume)")
            throw ExitCode(130)
        }
        return state
    }

    /// The line an event prints, if any: labelling every 5%, training every 10% of its steps,
    /// every generation and the switch. Not errors: every error event also ends the run with
    /// it, and `drive` throws it (it was printed twice, as "error:" and "Error:").
    struct ProgressLines {
        let labelling: RateClock
        let testing: RateClock
        var searching: RateClock
        let iterations: Int
        private var lastLabelStep = -1

        init(start: Date, labelsDone: Int, llmppDone: Int, generation: Int = 0, iterations: Int = 0) {
            labelling = RateClock(start: (start, labelsDone))
            testing = RateClock(start: (start, llmppDone))
            searching = RateClock(start: (start, generation))
            self.iterations = iterations
        }

        mutating func line(for event: EngineEvent) -> String? {
            switch event {
            case .phaseChanged(let p): return "phase: \(p.rawValue)"
            case .llmppProgress(let d, let t, let c):
                return "LLM-PP: \(testing.rate(d, t, fromCache: c).text) test architectures"
            case .labelProgress(let d, let t, let f, let c):
                let step = t > 0 ? d * 20 / t : 0
                guard step != lastLabelStep || d == t else { return nil }
                lastLabelStep = step
                return "labelling: \(labelling.rate(d, t, fromCache: c).text)\(f > 0 ? " (\(f) failed)" : "")"
            case .trainingLoss(let s, let t, let l):
                guard s % max(t / 10, 1) == 0 || s == t else { return nil }
                return String(format: "training: step %d/%d, loss %.4f", s, t, l)
            case .generationDone(let g, let src, let pop, _, let expensive):
                let best = pop.first
                // With the search's rate, elapsed time and ETA, like labelling's (it had none).
                return String(
                    format: "generation %d: best %.3f (%@) by %@, expensive evaluations so far %d · %@", g,
                    best?.score ?? .nan, best?.id ?? "-",
                    src.predictorName, expensive, searching.rate(g + 1, iterations).text)
            case .switchReached(let g):
                // The expensive generations' rate is not the student's: the ETA counts from here.
                searching = RateClock(start: (Date(), g))
                return "switch point reached at generation \(g): the expensive evaluator scores from now on"
            default: return nil
            }
        }
    }

    /// The rate of one kind of progress since this process started: a resumed run's earlier
    /// work and the answers this process took from the cache (`fromCache`, counted from the
    /// engine's start like the clock) are not in it.
    struct RateClock {
        var start: (Date, Int)
        func rate(_ done: Int, _ total: Int, fromCache: Int = 0) -> ProgressRate {
            ProgressRate(
                done: done, total: total, doneBefore: start.1 + fromCache, elapsed: Date().timeIntervalSince(start.0))
        }
    }
}
