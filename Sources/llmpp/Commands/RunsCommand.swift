import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPStore

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the saved runs.")
    @OptionGroup var common: CommonOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        // No database: no runs (scripts poll this right after starting a run), and none is created.
        let rows: [RunStore.RunRow]
        do { rows = try await RunStore(path: common.databasePath, create: false).runs() } catch let e as MissingDatabase
        {
            StandardError.line("\(e)")
            rows = []
        }
        var t = TextTable(header: [
            "run", "space", "status", "phase", "generation", "expensive evals", "best", "updated",
        ])
        var out: [JSONValue] = []
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        for var r in rows {
            // Saved as running, but no process holds it: it was killed mid-run (resumable).
            if r.status == "running" && !RunLock.isHeld(runID: r.id, dataDirectory: common.resolvedDataDirectory) {
                r.status = "stopped"
            }
            let st = try? JSONDecoder().decode(RunState.self, from: Data(r.state.utf8))
            let cfg = try? JSONDecoder().decode(RunConfig.self, from: Data(r.config.utf8))
            t.rows.append([
                r.id, r.space, r.status, st?.phase.rawValue ?? "?",
                "\(st?.generation ?? 0)/\(cfg?.evolution.iterations ?? 0)",
                "\(st?.counters.expensiveEvaluations ?? 0)", Self.best(st?.best),
                f.string(from: Date(timeIntervalSince1970: r.updated)),
            ])
            out.append(
                .object([
                    ("run", .string(r.id)), ("space", .string(r.space)), ("status", .string(r.status)),
                    ("phase", .string(st?.phase.rawValue)), ("generation", .number(Double(st?.generation ?? 0))),
                    ("expensive_evaluations", .number(Double(st?.counters.expensiveEvaluations ?? 0))),
                    ("best", .number(st?.best?.score)),
                    ("best_scored_by", .string(st?.best?.source.shortName)),
                ]))
        }
        print(
            json
                ? JSONValue.array(out).rendered(pretty: true)
                : (rows.isEmpty ? "no runs in \(common.databasePath)" : t.render()))
    }

    /// The best's score with the predictor that gave it: a student's and an expensive
    /// evaluator's scores are on different scales, and the column mixed them unsaid.
    static func best(_ c: Candidate?) -> String {
        guard let c else { return "-" }
        return fmt(c.score, 3) + " (\(c.source.shortName))"
    }
}
