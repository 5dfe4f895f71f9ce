import Foundation

/// Builds a provider by name, from flags and the environment.
public enum ProviderFactory {
    public static let names = ["local", "openai", "anthropic", "replay"]
    /// Environment variables holding the providers' API keys: redacted from anything stored
    /// or printed, and kept from child processes that do not need them.
    public static let secretVariables = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]

    /// `timeout`: seconds per HTTP request (`--llm-timeout`); nil keeps the provider's default.
    public static func make(
        name: String, model: String?, replayFile: String?, logDirectory: String, timeout: Double? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> any LLMProvider {
        switch name {
        case "local": return try LocalProvider.make(logDirectory: logDirectory, timeout: timeout)
        case "openai":
            return try OpenAIProvider.fromEnvironment(model: model, timeout: timeout, environment: environment)
        case "anthropic":
            return try AnthropicProvider.fromEnvironment(model: model, timeout: timeout, environment: environment)
        case "replay":
            guard let f = replayFile else {
                throw LLMError.unavailable("the replay provider needs --replay FILE (from 'llmpp calls export')")
            }
            return try ReplayProvider(file: f)
        default:
            throw LLMError.unavailable("unknown provider '\(name)' (known: \(names.joined(separator: ", ")))")
        }
    }
}
