import Foundation
import LLMPPCore

/// Canonical JSON of a request's parts and the cache key built from them. Replay matches
/// recorded calls on the same two strings, so both must come from here.
public enum CallKey {
    struct Parameters: Encodable {
        var temperature: Double
        var max_tokens: Int
        var json_key: String?
        var top_logprobs: Int?
        var seed: Int?
        /// Absent for ordinary requests, so their keys (and recorded transcripts) are unchanged.
        var walk: DigitWalkSettings?
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public static func parametersJSON(_ r: CompletionRequest) -> String {
        let p = Parameters(
            temperature: r.temperature, max_tokens: r.maxTokens, json_key: r.jsonKey, top_logprobs: r.topLogprobs,
            seed: r.seed,
            walk: r.walk)
        return String(decoding: (try? encoder.encode(p)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func messagesJSON(_ messages: [ChatMessage]) -> String {
        String(decoding: (try? encoder.encode(messages)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The question's identity: provider, model, parameters, prompt and sample index.
    /// `scope`: what else decides the answer (`LLMProvider.cacheScope`); empty for most
    /// providers, whose keys stay as they were.
    public static func cacheKey(
        provider: String, model: String, request: CompletionRequest, sampleIndex: Int, scope: String = ""
    ) -> String {
        StableHash.long(
            ([provider, model, parametersJSON(request), messagesJSON(request.messages), String(sampleIndex)]
                + (scope.isEmpty ? [] : [scope])).joined(separator: "\u{1F}"))
    }

    /// What replay matches on: the request without provider and model.
    public static func replayKey(parameters: String, messages: String) -> String {
        StableHash.long(parameters + "\u{1F}" + messages)
    }
}
