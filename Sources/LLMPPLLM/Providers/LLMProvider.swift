import Foundation
import LLMPPCore

public struct ChatMessage: Sendable, Codable, Equatable, Hashable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public var role: Role
    public var content: String
    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// What is asked of a model. Everything here is part of the cache key.
public struct CompletionRequest: Sendable, Codable, Equatable, Hashable {
    public var messages: [ChatMessage]
    public var temperature: Double
    public var maxTokens: Int
    /// Structured output: ask for `{"<key>": number}` where the provider supports it.
    public var jsonKey: String?
    /// Ask for this many alternatives per generated token (OpenAI-style top_logprobs).
    public var topLogprobs: Int?
    public var seed: Int?
    /// Ask for the answer's distribution by walking its digits (providers with `supportsDistribution`).
    public var walk: DigitWalkSettings?

    public init(
        messages: [ChatMessage], temperature: Double = 0, maxTokens: Int = 24, jsonKey: String? = nil,
        topLogprobs: Int? = nil, seed: Int? = nil, walk: DigitWalkSettings? = nil
    ) {
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.jsonKey = jsonKey
        self.topLogprobs = topLogprobs
        self.seed = seed
        self.walk = walk
    }

    enum CodingKeys: String, CodingKey {
        case messages, temperature
        case maxTokens = "max_tokens"
        case jsonKey = "json_key"
        case topLogprobs = "top_logprobs"
        case seed, walk
    }
}

/// One generated token with its log-probability and the alternatives the provider returned.
public struct TokenLogprob: Sendable, Codable, Equatable {
    public var token: String
    public var logprob: Double
    public var top: [Alternative]
    public struct Alternative: Sendable, Codable, Equatable {
        public var token: String
        public var logprob: Double
        public init(token: String, logprob: Double) {
            self.token = token
            self.logprob = logprob
        }
    }
    public init(token: String, logprob: Double, top: [Alternative]) {
        self.token = token
        self.logprob = logprob
        self.top = top
    }
}

public struct CompletionResponse: Sendable, Equatable {
    public var text: String
    /// The provider's response body as received, for the transcript.
    public var raw: String
    public var tokensIn: Int?
    public var tokensOut: Int?
    public var logprobs: [TokenLogprob]?
    /// The answer's distribution, for a request with `walk` (or a replay of one).
    public var distribution: ScoreDistribution?
    public init(
        text: String, raw: String, tokensIn: Int? = nil, tokensOut: Int? = nil, logprobs: [TokenLogprob]? = nil,
        distribution: ScoreDistribution? = nil
    ) {
        self.text = text
        self.raw = raw
        // Whatever a provider or a replayed transcript says, a count outside 0...max is unknown.
        let sane = { (n: Int?) in n.flatMap { (0...JSONNumber.maxTokenCount).contains($0) ? $0 : nil } }
        self.tokensIn = sane(tokensIn)
        self.tokensOut = sane(tokensOut)
        self.logprobs = logprobs
        self.distribution = distribution
    }
}

public enum LLMError: Error, CustomStringConvertible, Equatable {
    /// A non-2xx answer; `retryAfter` from the Retry-After header, in seconds.
    case http(status: Int, body: String, retryAfter: Double?)
    case transport(String)
    case timeout(Double)
    case malformed(String)
    case budgetExhausted(String)
    case unavailable(String)
    case cancelled

    public var description: String {
        switch self {
        case .http(let s, let b, _): return "HTTP \(s): \(b.prefix(300).escapingControlCharacters)"
        case .transport(let m): return "transport error: \(m.escapingControlCharacters)"
        case .timeout(let t): return "timed out after \(Int(t)) s"
        case .malformed(let m): return "malformed response: \(m.escapingControlCharacters)"
        case .budgetExhausted(let m): return "budget exhausted: \(m)"
        case .unavailable(let m): return m
        case .cancelled: return "cancelled"
        }
    }

    /// 429, 5xx, resets and timeouts are worth another try; 4xx and malformed answers are not.
    public var isRetryable: Bool {
        switch self {
        case .http(let s, _, _): return s == 429 || s == 408 || (500...599).contains(s)
        case .transport, .timeout: return true
        default: return false
        }
    }
}

/// A chat-completion endpoint. Implementations: OpenAI-compatible, Anthropic, the local
/// llama-server (OpenAI-compatible, started on demand) and replay of a transcript.
public protocol LLMProvider: Sendable {
    /// "openai", "anthropic", "local", "replay".
    var name: String { get }
    var model: String { get }
    /// What the UI shows, e.g. "local qwen2.5-coder-1.5b-instruct" or "replay of gpt-4o-mini".
    var displayName: String { get }
    /// Requests allowed in flight at once.
    var maxConcurrency: Int { get }
    /// Whether `topLogprobs` is honoured.
    var supportsLogprobs: Bool { get }
    /// Whether a request with `walk` is answered with the answer's distribution (a model that
    /// continues raw text and reports next-token probabilities: the local llama-server).
    var supportsDistribution: Bool { get }
    func complete(_ request: CompletionRequest) async throws -> CompletionResponse
    /// Releases what the provider holds (the local server process).
    func shutdown() async
    /// Credentials the provider sends (its API key): never stored or printed.
    var secrets: [String] { get }
    /// Seconds one request may take before it fails as a timeout (nil: no limit of its own).
    var requestTimeout: Double? { get }
    /// Reports what the provider does while requests wait (see `Activity`); providers
    /// with nothing to say beyond the request itself ignore it.
    func onActivity(_ handler: @escaping ActivityHandler)
    /// What besides the request decides the answer, for the cache key: a replay's transcript
    /// (a second transcript's answers to the same prompts came back as the first one's).
    /// Empty where the provider and model say it all.
    var cacheScope: String { get }
    /// The medians of this provider's recorded cold starts (loading the model, the first
    /// answer) while it has not started yet; nil where a request costs what any other does.
    func coldStartCost() async -> ColdStartCost?
}

extension LLMProvider {
    public func shutdown() async {}
    public var secrets: [String] { [] }
    public var supportsDistribution: Bool { false }
    public var requestTimeout: Double? { nil }
    public var cacheScope: String { "" }
    public func onActivity(_ handler: @escaping ActivityHandler) {}
    public func coldStartCost() async -> ColdStartCost? { nil }
}
