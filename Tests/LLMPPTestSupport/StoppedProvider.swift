import LLMPPLLM

/// A provider shut down under every request (as a quit does to the local server): each one is
/// cancelled.
public struct StoppedProvider: LLMProvider {
    public let name = "openai", model = "m", displayName = "stopped", maxConcurrency = 4
    public let supportsLogprobs = false
    public init() {}
    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse { throw LLMError.cancelled }
}
