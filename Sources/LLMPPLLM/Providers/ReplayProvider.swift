import Foundation
import LLMPPCore
import LLMPPStore

/// Answers from a recorded transcript (`llmpp calls export`), for reproducible demos and
/// tests: a request is matched on its exact messages and parameters; the recorded response
/// body is returned as the original provider sent it.
public struct ReplayProvider: LLMProvider {
    public let name = "replay"
    public let model: String
    public let file: String
    public let maxConcurrency = 8
    public let supportsLogprobs = true
    let answers: [String: CallRecord]
    public var displayName: String { "replay of \(model)" }
    /// The transcript holds distributional answers (digit walks) to replay.
    public let supportsDistribution: Bool
    /// The transcript's answers, hashed: two transcripts may answer one prompt differently.
    public let cacheScope: String

    public init(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw LLMError.unavailable("cannot read the transcript \(file)")
        }
        var answers: [String: CallRecord] = [:]
        var models: [String: Int] = [:]
        let decoder = JSONDecoder()
        for (i, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy({ $0 == 32 }) {
            let r: CallRecord
            do { r = try decoder.decode(CallRecord.self, from: Data(line)) } catch {
                throw LLMError.unavailable("\(file): line \(i + 1) is not a recorded call (\(error))")
            }
            guard r.responseText != nil, r.status != .error else { continue }
            let k = CallKey.replayKey(parameters: r.parameters, messages: r.messages)
            if answers[k] == nil { answers[k] = r }
            models[r.model, default: 0] += 1
        }
        guard !answers.isEmpty else { throw LLMError.unavailable("\(file): no answered calls to replay") }
        self.answers = answers
        cacheScope =
            "transcript "
            + StableHash.long(
                answers.keys.sorted().map { "\($0)=\(answers[$0]!.rawResponse ?? answers[$0]!.responseText ?? "")" }
                    .joined(separator: "\n"))
        supportsDistribution = answers.values.contains { $0.distribution != nil }
        self.file = file
        // A transcript of a replay names the model it replays.
        self.model = models.max { $0.value < $1.value }?.key ?? "unknown"
    }

    public var count: Int { answers.count }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        let k = CallKey.replayKey(
            parameters: CallKey.parametersJSON(request), messages: CallKey.messagesJSON(request.messages))
        guard let r = answers[k] else {
            throw LLMError.unavailable(
                "the transcript \((file as NSString).lastPathComponent) has no answer to this prompt (recorded with other settings or another prompt?)"
            )
        }
        let raw = r.rawResponse ?? ""
        if let d = ScoreDistribution.fromJSONText(r.distribution) {
            return CompletionResponse(
                text: r.responseText ?? "", raw: raw, tokensIn: r.tokensIn, tokensOut: r.tokensOut, distribution: d)
        }
        if r.provider == "anthropic", let parsed = try? AnthropicProvider.parse(raw) { return parsed }
        if let parsed = try? OpenAIProvider.parse(raw) { return parsed }
        return CompletionResponse(text: r.responseText ?? "", raw: raw, tokensIn: r.tokensIn, tokensOut: r.tokensOut)
    }
}
