import Foundation

/// Builds a provider by name, from flags and the environment.
public enum ProviderFactory {
    public static let names = ["local", "openai", "anthropic", "replay"]
    /// Environment variables holding the providers' API keys: redacted from anything stored
    /// or printed, and kept from child processes that do not need them.
    public static let secretVariables = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]

    /// `timeout`: seconds per HTTP request (`--llm-timeout`); `concurrency`: requests in flight
    /// at once (`--concurrency`); nil keeps the provider's default.
    public static func make(
        name: String, model: String?, replayFile: String?, logDirectory: String, timeout: Double? = nil,
        concurrency: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> any LLMProvider {
        switch name {
        case "local":
            if let c = concurrency, c != 1 {
                throw LLMError.unavailable(
                    "--concurrency \(c): the local llama-server answers one request at a time on this machine's cores; --concurrency is for a server with parallel slots (--provider openai with OPENAI_BASE_URL of a vLLM or llama.cpp server)"
                )
            }
            return try LocalProvider.make(logDirectory: logDirectory, timeout: timeout)
        case "openai":
            return try OpenAIProvider.fromEnvironment(
                model: model, timeout: timeout, concurrency: concurrency, environment: environment)
        case "anthropic":
            return try AnthropicProvider.fromEnvironment(
                model: model, timeout: timeout, concurrency: concurrency, environment: environment)
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
