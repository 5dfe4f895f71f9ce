import Foundation
import LLMPPCore

/// llama.cpp server's own endpoints beside its OpenAI-compatible API: `/apply-template`
/// renders chat messages with the model's template, `/completion` continues raw texts (a
/// list of prompts in one request) and reports the next token's probabilities (`n_probs`),
/// with the prompt cache on, so the shared prefix is evaluated once.
public struct LlamaServerClient: NextTokenSource {
    /// The server's root, e.g. http://127.0.0.1:8080 (no /v1).
    public let root: URL
    let timeout: Double
    let http: HTTPClient

    public init(root: URL, timeout: Double = 600) {
        self.root = root
        self.timeout = timeout
        http = HTTPClient(timeout: timeout)
    }

    public func renderPrompt(_ messages: [ChatMessage]) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: [
            "messages": messages.map { ["role": $0.role.rawValue, "content": $0.content] }
        ])
        let obj = try await postJSON("apply-template", body)
        guard let prompt = (obj as? [String: Any])?["prompt"] as? String else {
            throw LLMError.malformed("/apply-template answered no prompt")
        }
        return prompt
    }

    public func nextTokens(_ prompts: [String], topK: Int) async throws -> NextTokenBatch {
        let body = try JSONSerialization.data(
            withJSONObject: [
                "prompt": prompts, "n_predict": 1, "n_probs": topK, "temperature": 0, "cache_prompt": true,
            ] as [String: Any])
        let obj = try await postJSON("completion", body)
        return try Self.parseCompletion(obj, expected: prompts.count)
    }

    /// How many tokens the model reads `text` as (`/tokenize`).
    public func tokenCount(_ text: String) async throws -> Int {
        let body = try JSONSerialization.data(withJSONObject: ["content": text])
        guard let tokens = (try await postJSON("tokenize", body) as? [String: Any])?["tokens"] as? [Any] else {
            throw LLMError.malformed("/tokenize answered no tokens")
        }
        return tokens.count
    }

    func postJSON(_ path: String, _ body: Data) async throws -> Any {
        let resp = try await http.post(root.appendingPathComponent(path), headers: [:], body: body, timeout: timeout)
        let raw = String(decoding: resp.body, as: UTF8.self)
        guard (200..<300).contains(resp.status) else {
            throw LLMError.http(
                status: resp.status, body: raw, retryAfter: resp.headers["retry-after"].flatMap(Double.init))
        }
        guard let obj = try? JSONSerialization.jsonObject(with: resp.body) else {
            throw LLMError.malformed("/\(path) answered no JSON: \(raw.prefix(200))")
        }
        return obj
    }

    /// One result per prompt (an array, or one object for a single prompt); each result's first
    /// generated position's candidates, as `top_logprobs` (logprob) or the older `probs` (prob).
    static func parseCompletion(_ obj: Any, expected: Int) throws -> NextTokenBatch {
        let results: [[String: Any]]
        if let list = obj as? [[String: Any]] {
            results = list
        } else if let one = obj as? [String: Any] {
            results = [one]
        } else {
            throw LLMError.malformed("/completion answered neither an object nor a list")
        }
        guard results.count == expected else {
            throw LLMError.malformed("/completion answered \(results.count) results for \(expected) prompts")
        }
        var batch = NextTokenBatch(candidates: [])
        for r in results {
            guard let positions = r["completion_probabilities"] as? [[String: Any]], let first = positions.first else {
                throw LLMError.malformed("/completion answered no completion_probabilities (is n_probs supported?)")
            }
            var candidates: [TokenCandidate] = []
            if let top = first["top_logprobs"] as? [[String: Any]] {
                for t in top {
                    guard let tok = t["token"] as? String, let lp = JSONNumber.double(t["logprob"]), lp.isFinite else {
                        continue
                    }
                    candidates.append(TokenCandidate(tok, exp(lp)))
                }
            } else if let probs = first["probs"] as? [[String: Any]] {
                for t in probs {
                    guard let tok = (t["tok_str"] ?? t["token"]) as? String, let p = JSONNumber.double(t["prob"]),
                        p.isFinite
                    else { continue }
                    candidates.append(TokenCandidate(tok, p))
                }
            }
            batch.candidates.append(candidates)
            // Tokens the server actually evaluated (the cached prefix excluded) when it says so.
            let timings = r["timings"] as? [String: Any]
            batch.tokensIn +=
                JSONNumber.tokenCount(timings?["prompt_n"]) ?? JSONNumber.tokenCount(r["tokens_evaluated"]) ?? 0
            batch.tokensOut += JSONNumber.tokenCount(r["tokens_predicted"]) ?? 0
        }
        return batch
    }

}
