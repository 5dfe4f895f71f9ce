import ArgumentParser

@main
struct LLMPP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmpp",
        abstract: "LLM performance predictors for neural architecture search: explore, predict, distil, search.",
        version: "0.2.0",
        subcommands: [ExploreCommand.self, SpacesCommand.self, ArchCommand.self, LatencyCommand.self, BaselinesCommand.self,
                      PredictCommand.self, CallsCommand.self,
                      SearchCommand.self, DistillCommand.self, RunsCommand.self, ReproduceCommand.self, BenchCommand.self],
        defaultSubcommand: ExploreCommand.self
    )
}
