import Foundation

/// A scripted llama.cpp server: `/apply-template` renders messages as `<|user|>...`, and
/// `/completion` answers each prompt of a list with the next-token probabilities the digit
/// table gives for the text after the answer prefix (`{"bleu": ` by default). Unknown
/// suffixes answer "}" with certainty (the number ends).
public enum FakeLlamaServer {
    public static func make(
        digits: [String: [(String, Double)]], answerPrefix: String = "{\"bleu\": ",
        failOn: String? = nil
    ) throws -> TestHTTPServer {
        try TestHTTPServer(handler: { req in
            if req.path.hasSuffix("/apply-template") {
                let msgs = (req.json["messages"] as? [[String: Any]]) ?? []
                let text =
                    msgs.map { "<|\($0["role"] as? String ?? "")|>\($0["content"] as? String ?? "")" }.joined()
                    + "<|assistant|>"
                return .init(status: 200, body: json(["prompt": text]))
            }
            guard req.path.hasSuffix("/completion") else {
                return .init(status: 404, body: "{\"error\":\"not found\"}")
            }
            let prompts = (req.json["prompt"] as? [String]) ?? [(req.json["prompt"] as? String) ?? ""]
            var results: [[String: Any]] = []
            for p in prompts {
                let suffix = p.range(of: answerPrefix, options: .backwards).map { String(p[$0.upperBound...]) } ?? ""
                if let failOn, suffix == failOn { return .init(status: 200, body: "{\"garbage\": true}") }
                let cands = digits[suffix] ?? [("}", 1.0)]
                results.append([
                    "content": cands.first?.0 ?? "", "tokens_evaluated": 100, "tokens_predicted": 1,
                    "timings": ["prompt_n": 3],
                    "completion_probabilities": [
                        [
                            "token": cands.first?.0 ?? "", "logprob": 0,
                            "top_logprobs": cands.map { ["token": $0.0, "logprob": log($0.1)] },
                        ]
                    ],
                ])
            }
            return .init(
                status: 200, body: json(prompts.count == 1 && !(req.json["prompt"] is [Any]) ? results[0] : results))
        })
    }

    static func json(_ obj: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: obj), as: UTF8.self)
    }

    /// The server's root URL (no /v1).
    public static func root(_ server: TestHTTPServer) -> URL { URL(string: "http://127.0.0.1:\(server.port)")! }
}
