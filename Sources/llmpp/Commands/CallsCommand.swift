import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPStore

struct CallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "The transcript of LLM calls: list, show one, export a run for replay.",
        subcommands: [List.self, Show.self, Export.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List calls, newest first.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Only this run.") var run: String?
        @Option(help: "At most this many (1...100000).") var limit: Int = 50
        @Option(help: "Only calls older than this id: the next page after a listing that stopped at its limit.")
        var before: Int64?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...100_000).contains(limit) else {
                throw ValidationError("--limit must be in 1...100000, got \(limit)")
            }
        }

        func run() async throws {
            let store = try common.openStore(create: false)
            var calls = try await store.calls(run: run, beforeID: before, limit: limit + 1)
            // One more than asked tells whether the listing stops short: say so, on stderr,
            // so that stdout stays the JSON array or the table.
            if calls.count > limit {
                calls.removeLast()
                StandardError.line(
                    "showing the newest \(limit) calls\(before.map { " before id \($0)" } ?? ""); older ones: --before \(calls.last!.id) (or a larger --limit)"
                )
            }
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.sortedKeys]
                print(
                    "["
                        + calls.map { String(decoding: (try? enc.encode($0)) ?? Data(), as: UTF8.self) }.joined(
                            separator: ",\n") + "]")
                return
            }
            var t = TextTable(header: [
                "id", "run", "provider/model", "arch", "sample", "try", "status", "value", "tokens", "ms", "$",
            ])
            for c in calls {
                t.rows.append([
                    "\(c.id)", c.run, "\(c.provider)/\(c.model)", c.archID ?? "-", "\(c.sampleIndex)", "\(c.attempt)",
                    c.status.rawValue, fmt(c.parsedValue), "\(c.tokensIn ?? 0)+\(c.tokensOut ?? 0)",
                    String(format: "%.0f", c.latencyMs), c.costUSD.map { String(format: "%.5f", $0) } ?? "-",
                ])
            }
            // A run named that has none was told "no calls recorded" of a database holding hundreds.
            let none =
                run.map {
                    "no calls in run '\($0.escapingControlCharacters)' in \(common.databasePath) (llmpp runs lists the runs)"
                }
                ?? "no calls recorded in \(common.databasePath)"
            print(calls.isEmpty ? none : t.render())
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one call's prompt, response and outcome.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Call id.") var id: Int64

        func run() async throws {
            guard let c = try await common.openStore(create: false).call(id: id) else {
                throw CLIError("no call \(id)")
            }
            print(
                "call \(c.id)  run \(c.run)  \(c.provider)/\(c.model)  arch \(c.archID ?? "-")  sample \(c.sampleIndex)  attempt \(c.attempt)"
            )
            print(
                "status \(c.status.rawValue)\(c.error.map { " (\($0))" } ?? "")  value \(fmt(c.parsedValue))  tokens \(c.tokensIn ?? 0) in, \(c.tokensOut ?? 0) out  \(String(format: "%.0f", c.latencyMs)) ms  cost \(c.costUSD.map { String(format: "$%.5f", $0) } ?? "unknown")"
            )
            print("parameters \(c.parameters)")
            if let msgs = try? JSONSerialization.jsonObject(with: Data(c.messages.utf8)) as? [[String: Any]] {
                for m in msgs {
                    print("\n──── \(m["role"] as? String ?? "?") ────")
                    print(m["content"] as? String ?? "")
                }
            }
            print("\n──── response ────")
            print(c.responseText ?? "(none)")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write calls as JSON lines, the format --provider replay reads.",
            discussion:
                "A run's own calls with --run; every call of the database without it (what a replay of 'llmpp reproduce' needs: its runs share answers through the cache)."
        )
        @OptionGroup var common: CommonOptions
        @Option(help: "The run to export (default: every call).") var run: String?

        func run() async throws {
            let calls = try await common.openStore(create: false).calls(run: run, limit: Int.max).reversed()
            guard !calls.isEmpty else {
                throw CLIError(
                    run.map { "no calls in run '\($0.escapingControlCharacters)' (llmpp runs lists the runs)" }
                        ?? "no calls in \(common.databasePath)")
            }
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            for c in calls { print(String(decoding: try enc.encode(c), as: UTF8.self)) }
        }
    }
}
