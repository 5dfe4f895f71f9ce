import Foundation
import LLMPPCore

/// Any OpenAI-compatible `/v1/chat/completions` endpoint: OpenAI, vLLM, Ollama, llama.cpp,
/// LM Studio. Structured output through `response_format: json_schema`; token
/// log-probabilities through `logprobs`/`top_logprobs`.
public struct OpenAIProvider: LLMProvider {
    public let name: String
    public let model: String
    public let baseURL: URL
    let apiKey: String?
    public let maxConcurrency: Int
    public let supportsLogprobs = true
    let timeout: Double
    public var requestTimeout: Double? { timeout }
    let http: HTTPClient
    /// Whether the server takes `response_format: json_schema` (set off for servers that reject it).
    public let structuredOutput: Bool
    /// When the server is llama.cpp's: its own endpoints, for distributional answers.
    public let llamaServer: LlamaServerClient?
    public var supportsDistribution: Bool { llamaServer != nil }

    public var secrets: [String] { apiKey.map { [$0] } ?? [] }
    public var displayName: String {
        name == "openai" ? "\(model) at \(baseURL.host ?? baseURL.absoluteString)" : "\(name) \(model)"
    }

    public init(
        name: String = "openai", model: String, baseURL: URL, apiKey: String?, maxConcurrency: Int = 4,
        timeout: Double = 120, structuredOutput: Bool = true, llamaServer: LlamaServerClient? = nil
    ) {
        self.name = name
        self.model = model
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.maxConcurrency = maxConcurrency
        self.timeout = timeout
        self.structuredOutput = structuredOutput
        self.llamaServer = llamaServer
        http = HTTPClient(timeout: timeout, maxConnections: maxConcurrency)
    }

    /// `OPENAI_BASE_URL` (default https://api.openai.com/v1) and `OPENAI_API_KEY`;
    /// `LLMPP_OPENAI_LLAMA_CPP=1` says the server is llama.cpp's (its root is the base URL
    /// without `/v1`), so that `--decode distribution` can walk digits there too.
    public static func fromEnvironment(
        model: String?, timeout: Double? = nil, concurrency: Int? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> OpenAIProvider {
        let base = environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.openai.com/v1"
        guard let url = URL(string: base) else { throw LLMError.unavailable("OPENAI_BASE_URL '\(base)' is not a URL") }
        let key = environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if key == nil && url.host == "api.openai.com" {
            throw LLMError.unavailable(
                "set OPENAI_API_KEY for api.openai.com, or OPENAI_BASE_URL for another OpenAI-compatible server")
        }
        let llamaServer =
            environment["LLMPP_OPENAI_LLAMA_CPP"] == "1"
            ? LlamaServerClient(
                root: url.lastPathComponent == "v1" ? url.deletingLastPathComponent() : url, timeout: timeout ?? 600)
            : nil
        return OpenAIProvider(
            model: model ?? "gpt-4o-mini", baseURL: url, apiKey: key, maxConcurrency: concurrency ?? 4,
            timeout: timeout ?? 120, llamaServer: llamaServer)
    }

    public func body(_ r: CompletionRequest) throws -> Data {
        var obj: [String: Any] = [
            "model": model,
            "messages": r.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
            "temperature": r.temperature,
            "max_tokens": r.maxTokens,
        ]
        if let seed = r.seed { obj["seed"] = seed }
        if let k = r.topLogprobs {
            obj["logprobs"] = true
            obj["top_logprobs"] = k
        }
        if structuredOutput, let key = r.jsonKey {
            obj["response_format"] = [
                "type": "json_schema",
                "json_schema": [
                    "name": "prediction", "strict": true,
                    "schema": [
                        "type": "object", "properties": [key: ["type": "number"]], "required": [key],
                        "additionalProperties": false,
                    ] as [String: Any],
                ] as [String: Any],
            ]
        }
        return try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        if request.walk != nil {
            guard let llamaServer else {
                throw LLMError.unavailable("\(name) reports no next-token probabilities for a digit walk")
            }
            return try await DistributionAnswer.answer(request, source: llamaServer)
        }
        var headers: [String: String] = [:]
        if let apiKey { headers["Authorization"] = "Bearer \(apiKey)" }
        let url = baseURL.appendingPathComponent("chat/completions")
        let resp = try await http.post(url, headers: headers, body: try body(request), timeout: timeout)
        let raw = String(decoding: resp.body, as: UTF8.self)
        guard (200..<300).contains(resp.status) else {
            throw LLMError.http(
                status: resp.status, body: raw, retryAfter: resp.headers["retry-after"].flatMap(Double.init))
        }
        return try Self.parse(raw)
    }

    /// Reads a chat-completion body: the first choice's content, usage and logprobs.
    public static func parse(_ raw: String) throws -> CompletionResponse {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] else {
            throw LLMError.malformed("not a JSON object: \(raw.prefix(200))")
        }
        guard let choices = obj["choices"] as? [[String: Any]], let first = choices.first,
            let message = first["message"] as? [String: Any]
        else {
            throw LLMError.malformed("no choices[0].message in \(raw.prefix(200))")
        }
        let text = message["content"] as? String ?? ""
        let usage = obj["usage"] as? [String: Any]
        var logprobs: [TokenLogprob]? = nil
        if let lp = first["logprobs"] as? [String: Any], let content = lp["content"] as? [[String: Any]] {
            logprobs = content.compactMap { t in
                guard let tok = t["token"] as? String, let l = (t["logprob"] as? NSNumber)?.doubleValue else {
                    return nil
                }
                let top = (t["top_logprobs"] as? [[String: Any]] ?? []).compactMap { a -> TokenLogprob.Alternative? in
                    guard let at = a["token"] as? String, let al = (a["logprob"] as? NSNumber)?.doubleValue else {
                        return nil
                    }
                    return .init(token: at, logprob: al)
                }
                return TokenLogprob(token: tok, logprob: l, top: top)
            }
        }
        return CompletionResponse(
            text: text, raw: raw, tokensIn: JSONNumber.tokenCount(usage?["prompt_tokens"]),
            tokensOut: JSONNumber.tokenCount(usage?["completion_tokens"]), logprobs: logprobs)
    }
}
