import Foundation

/// Builds a provider by name, from flags and the environment.
public enum ProviderFactory {
    public static let names = ["local", "openai", "anthropic", "replay"]

    public static func make(name: String, model: String?, replayFile: String?, logDirectory: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> any LLMProvider {
        switch name {
        case "local": return try LocalProvider.make(logDirectory: logDirectory)
        case "openai": return try OpenAIProvider.fromEnvironment(model: model, environment: environment)
        case "anthropic": return try AnthropicProvider.fromEnvironment(model: model, environment: environment)
        case "replay":
            guard let f = replayFile else { throw LLMError.unavailable("the replay provider needs --replay FILE (from 'llmpp calls export')") }
            return try ReplayProvider(file: f)
        default:
            throw LLMError.unavailable("unknown provider '\(name)' (known: \(names.joined(separator: ", ")))")
        }
    }
}
