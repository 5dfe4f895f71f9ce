import Foundation

/// One attempt of one LLM call as stored: what was sent, what came back, what it cost.
/// Messages and parameters are JSON text so that the store needs no LLM types.
public struct CallRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Answered and parsed.
        case ok
        /// Answered, but no usable value: a corrective follow-up or a failure follows.
        case unparsed
        /// The request failed (HTTP status, transport, timeout, budget).
        case error
    }

    public var id: Int64 = 0
    public var run: String
    public var provider: String
    public var model: String
    /// JSON object of the request parameters (temperature, max_tokens, schema, logprobs, seed).
    public var parameters: String
    /// JSON array of {"role", "content"} messages.
    public var messages: String
    /// Key of the question this attempt belongs to (provider, model, parameters, prompt, sample).
    public var cacheKey: String
    public var sampleIndex: Int
    public var attempt: Int
    public var status: Status
    public var error: String?
    public var responseText: String?
    public var rawResponse: String?
    public var parsedValue: Double?
    public var tokensIn: Int?
    public var tokensOut: Int?
    public var latencyMs: Double
    public var costUSD: Double?
    public var archID: String?
    public var purpose: String?
    public var createdAt: Double
    /// JSON of the answer's distribution (`ScoreDistribution`), for distributional answers.
    public var distribution: String? = nil

    public init(
        run: String, provider: String, model: String, parameters: String, messages: String, cacheKey: String,
        sampleIndex: Int, attempt: Int, status: Status, error: String? = nil, responseText: String? = nil,
        rawResponse: String? = nil, parsedValue: Double? = nil, tokensIn: Int? = nil, tokensOut: Int? = nil,
        latencyMs: Double, costUSD: Double? = nil, archID: String? = nil, purpose: String? = nil,
        createdAt: Double = Date().timeIntervalSince1970
    ) {
        self.run = run
        self.provider = provider
        self.model = model
        self.parameters = parameters
        self.messages = messages
        self.cacheKey = cacheKey
        self.sampleIndex = sampleIndex
        self.attempt = attempt
        self.status = status
        self.error = error
        self.responseText = responseText
        self.rawResponse = rawResponse
        self.parsedValue = parsedValue
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.latencyMs = latencyMs
        self.costUSD = costUSD
        self.archID = archID
        self.purpose = purpose
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, run, provider, model, parameters, messages
        case cacheKey = "cache_key"
        case sampleIndex = "sample_index"
        case attempt
        case status, error
        case responseText = "response_text"
        case rawResponse = "raw_response"
        case parsedValue = "parsed_value"
        case tokensIn = "tokens_in"
        case tokensOut = "tokens_out"
        case latencyMs = "latency_ms"
        case costUSD = "cost_usd"
        case archID = "arch_id"
        case purpose
        case createdAt = "created_at"
        case distribution
    }
}

extension CallRecord {
    /// The record with what a server wrote (response text, raw response, error) cut to
    /// `maxBytes` each, a marker saying how much was dropped: five 50 MB answers made a
    /// 501 MB database, and `calls --json` read it all into memory.
    public func truncatedForStorage(maxBytes: Int) -> CallRecord {
        var r = self
        r.responseText = responseText.map { Self.truncate($0, maxBytes) }
        r.rawResponse = rawResponse.map { Self.truncate($0, maxBytes) }
        r.error = error.map { Self.truncate($0, maxBytes) }
        return r
    }

    static func truncate(_ s: String, _ maxBytes: Int) -> String {
        let n = s.utf8.count
        guard n > maxBytes else { return s }
        // Back off to a character boundary: half a UTF-8 sequence would store U+FFFD.
        var end = s.utf8.index(s.utf8.startIndex, offsetBy: maxBytes)
        while end > s.utf8.startIndex && end.samePosition(in: s.unicodeScalars) == nil {
            end = s.utf8.index(before: end)
        }
        return String(decoding: s.utf8[..<end], as: UTF8.self)
            + "…[truncated by llmpp: \(n) bytes, the first \(s.utf8.distance(from: s.utf8.startIndex, to: end)) kept]"
    }
}
