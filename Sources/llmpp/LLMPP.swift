import ArgumentParser
import Foundation

@main
struct LLMPP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmpp",
        abstract: "LLM performance predictors for neural architecture search: explore, predict, distil, search.",
        version: "0.2.0",
        subcommands: [
            ExploreCommand.self, SpacesCommand.self, CheckCommand.self, NewSpaceCommand.self, ArchCommand.self,
            LatencyCommand.self,
            BaselinesCommand.self,
            PredictCommand.self, CallsCommand.self,
            SearchCommand.self, DistillCommand.self, RunsCommand.self, ReproduceCommand.self, BenchCommand.self,
        ],
        defaultSubcommand: ExploreCommand.self
    )

    static func main() async {
        BLASCoreChoice.restartWithTheCPUsKernelsIfNeeded()
        // A file-size limit or quota must fail a write with an error the run reports and
        // survives (it pauses and resumes), not kill the process mid-transaction.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
        } catch {
            let code = exitCode(for: error)
            // Help and --version print as the parser prints them; errors quote what the user,
            // a file or a server gave, so their control characters are escaped on the way out.
            guard code != .success else { exit(withError: error) }
            StandardError.line(fullMessage(for: error))
            Foundation.exit(code.rawValue)
        }
    }
}
