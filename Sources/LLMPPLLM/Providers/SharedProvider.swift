/// One provider lent to many runs (a study's cells): their `shutdown` leaves it running, so
/// that a local server keeps its process and prompt-prefix cache between runs. The owner
/// calls `close()` at the end.
public struct SharedProvider: LLMProvider {
    public let inner: any LLMProvider
    public init(_ inner: any LLMProvider) { self.inner = inner }
    public var name: String { inner.name }
    public var model: String { inner.model }
    public var displayName: String { inner.displayName }
    public var requestTimeout: Double? { inner.requestTimeout }
    public var maxConcurrency: Int { inner.maxConcurrency }
    public var supportsLogprobs: Bool { inner.supportsLogprobs }
    public var supportsDistribution: Bool { inner.supportsDistribution }
    public var cacheScope: String { inner.cacheScope }
    public var secrets: [String] { inner.secrets }
    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        try await inner.complete(request)
    }
    public func onActivity(_ handler: @escaping ActivityHandler) { inner.onActivity(handler) }
    public func coldStartCost() async -> ColdStartCost? { await inner.coldStartCost() }
    public func shutdown() async {}
    public func close() async { await inner.shutdown() }
}
