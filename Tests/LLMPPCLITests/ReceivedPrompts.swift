import Foundation
import LLMPPTestSupport

/// The prompts a test server received, from its handler threads.
final class ReceivedPrompts: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []
    func record(_ text: String) { lock.withLock { texts.append(text) } }
    var all: [String] { lock.withLock { texts } }

    /// An OpenAI-protocol server that records every question here and answers `answer`
    /// (a JSON object such as `{"bleu": 30}`) to each.
    func server(answering answer: String) throws -> TestHTTPServer {
        try TestHTTPServer(handler: { req in
            self.record(req.lastMessage)
            return .init(status: 200, body: TestHTTPServer.openAI(answer))
        })
    }

    /// The demonstrations' scores: every "BLEU: x" line before the test architecture.
    static func scores(_ prompt: String) -> [Double] {
        let examples = prompt.components(separatedBy: "Test architecture:")[0]
        return examples.split(separator: "\n").compactMap { line in
            line.hasPrefix("BLEU: ") ? Double(line.dropFirst(6)) : nil
        }
    }
}
