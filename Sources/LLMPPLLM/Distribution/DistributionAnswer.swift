import Foundation
import LLMPPCore

/// Answers a request that asks for a distribution (`request.walk`) through a model that
/// reports next-token probabilities: the chat messages rendered with the model's template,
/// the answer prefix forced, the digit tree walked. The response text is the greedy answer in
/// the requested JSON shape, so it parses like any other; the raw body records the walk.
public enum DistributionAnswer {
    public static func answer(_ request: CompletionRequest, source: any NextTokenSource) async throws
        -> CompletionResponse
    {
        guard let walk = request.walk else { throw LLMError.malformed("not a distribution request") }
        let prompt = try await source.renderPrompt(request.messages)
        let result = try await DigitTreeWalk.walk(prompt: prompt, settings: walk, source: source)
        let d = result.distribution
        let greedy = d.greedy ?? d.mode
        let key = request.jsonKey ?? "value"
        let text = "{\"\(key)\": \(format(greedy))}"
        let raw = JSONValue.object([
            (
                "walk",
                .object([("requests", .number(Double(result.requests))), ("prompts", .number(Double(result.prompts)))])
            ),
            ("greedy", .number(greedy)), ("median", .number(d.median)), ("mean", .number(d.mean)),
            ("distribution", .array(d.points.map { .array([.number($0.value), .number($0.probability)]) })),
        ]).rendered(pretty: false)
        return CompletionResponse(
            text: text, raw: raw, tokensIn: result.tokensIn, tokensOut: result.tokensOut, distribution: d)
    }

    static func format(_ v: Double) -> String {
        let s = String(format: "%.4f", v)
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
