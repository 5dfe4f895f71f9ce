import ArgumentParser

@main
struct LLMPP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmpp",
        abstract: "LLM performance predictors for neural architecture search: explore, predict, distil, search.",
        version: "0.1.0",
        subcommands: [SpacesCommand.self, ArchCommand.self, LatencyCommand.self, BaselinesCommand.self]
    )
}
