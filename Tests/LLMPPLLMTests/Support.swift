import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore
import LLMPPTestSupport

enum LLMFixtures {
    static let catalog = Repo.catalog
    static func space(_ id: String) throws -> SearchSpace { try Repo.space(id) }
    static func tempDir() -> String { Repo.tempDirectory("llmpp-llm") }

    /// The hat-wmt14ende split 123: demonstrations (valid BLEU) and test architectures.
    static func split123() throws -> (SearchSpace, [(Architecture, Double)], [Architecture]) {
        let s = try space("hat-wmt14ende")
        let l = s.labelled!
        let t = s.tables[l.table]
        let sp = l.split("123")!
        let demos = try sp.train.map {
            (t.architectures[$0], try s.evaluate(l.truth["valid"]!, t.architectures[$0], row: (l.table, $0)))
        }
        return (s, demos, sp.test.map { t.architectures[$0] })
    }

    static func builder(_ s: SearchSpace, options: PromptOptions = .full) throws -> PromptBuilder {
        PromptBuilder(space: s, template: try PromptTemplate.load(space: s), options: options)
    }
}

/// Delays the predictor asked for, instead of sleeping through them.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _delays: [Double] = []
    var delays: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return _delays
    }
    var sleep: @Sendable (Double) async throws -> Void {
        { [self] d in lock.withLock { _delays.append(d) } }
    }
}
