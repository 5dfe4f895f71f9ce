import Foundation
import LLMPPCore

/// The Anthropic Messages API (`/v1/messages`): system prompt as a top-level field,
/// `x-api-key` and `anthropic-version` headers. No structured output or log-probabilities:
/// answers are parsed from text.
public struct AnthropicProvider: LLMProvider {
    public let name = "anthropic"
    public let model: String
    public let baseURL: URL
    let apiKey: String
    public let maxConcurrency: Int
    public let supportsLogprobs = false
    let timeout: Double
    public var requestTimeout: Double? { timeout }
    let http: HTTPClient
    public var displayName: String { "anthropic \(model)" }
    public var secrets: [String] { [apiKey] }

    public init(
        model: String, apiKey: String, baseURL: URL = URL(string: "https://api.anthropic.com/v1")!,
        maxConcurrency: Int = 4, timeout: Double = 120
    ) {
        self.model = model
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.maxConcurrency = maxConcurrency
        self.timeout = timeout
        http = HTTPClient(timeout: timeout, maxConnections: maxConcurrency)
    }

    /// `ANTHROPIC_API_KEY`, and `ANTHROPIC_BASE_URL` to point elsewhere (a proxy, a test server).
    public static func fromEnvironment(
        model: String?, timeout: Double? = nil, concurrency: Int? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AnthropicProvider {
        guard let key = environment["ANTHROPIC_API_KEY"], !key.isEmpty else {
            throw LLMError.unavailable("set ANTHROPIC_API_KEY to use the anthropic provider")
        }
        let base =
            environment["ANTHROPIC_BASE_URL"].flatMap { $0.isEmpty ? nil : URL(string: $0) } ?? URL(
                string: "https://api.anthropic.com/v1")!
        return AnthropicProvider(
            model: model ?? "claude-3-5-haiku-latest", apiKey: key, baseURL: base, maxConcurrency: concurrency ?? 4,
            timeout: timeout ?? 120)
    }

    public func body(_ r: CompletionRequest) throws -> Data {
        let system = r.messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        var obj: [String: Any] = [
            "model": model,
            "max_tokens": r.maxTokens,
            "temperature": r.temperature,
            "messages": r.messages.filter { $0.role != .system }.map {
                ["role": $0.role.rawValue, "content": $0.content]
            },
        ]
        if !system.isEmpty { obj["system"] = system }
        return try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        let resp = try await http.post(
            baseURL.appendingPathComponent("messages"),
            headers: ["x-api-key": apiKey, "anthropic-version": "2023-06-01"],
            body: try body(request), timeout: timeout)
        let raw = String(decoding: resp.body, as: UTF8.self)
        guard (200..<300).contains(resp.status) else {
            throw LLMError.http(
                status: resp.status, body: raw, retryAfter: resp.headers["retry-after"].flatMap(Double.init))
        }
        return try Self.parse(raw)
    }

    public static func parse(_ raw: String) throws -> CompletionResponse {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any],
            let content = obj["content"] as? [[String: Any]]
        else {
            throw LLMError.malformed("no content in \(raw.prefix(200))")
        }
        let text = content.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }.joined()
        let usage = obj["usage"] as? [String: Any]
        return CompletionResponse(
            text: text, raw: raw, tokensIn: JSONNumber.tokenCount(usage?["input_tokens"]),
            tokensOut: JSONNumber.tokenCount(usage?["output_tokens"]))
    }
}
