import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Phase 1 (optional): LLM-PP predicts the split's test architectures, a batch per unit.
extension Engine {
    func stepLLMPP() async throws {
        guard let predictor, let l = space.labelled else {
            setPhase(config.labels > 0 ? .labelling : .search)
            return
        }
        let table = space.tables[l.table]
        let batch = Array(testRows.dropFirst(state.llmppDone).prefix(batchSize))
        let demos = demonstrations
        let results = await waiting(
            for: "the LLM (\(batch.count) test architecture\(batch.count == 1 ? "" : "s"))", timeout: llmTimeout,
            retried: true
        ) {
            await withTaskGroup(of: (Int, Prediction).self) { group in
                for r in batch {
                    group.addTask {
                        (r, await predictor.predict(table.architectures[r], demonstrations: demos, purpose: "llmpp"))
                    }
                }
                var out: [(Int, Prediction)] = []
                for await x in group { out.append(x) }
                return out
            }
        }
        try Self.stopIfUnavailable(results.map(\.1))
        for (r, p) in results {
            if let v = p.value { state.llmppPredictions[space.id(table.architectures[r])] = v }
        }
        state.llmppDone += batch.count
        emit(.llmppProgress(done: state.llmppDone, total: testRows.count))
        if state.llmppDone >= testRows.count { setPhase(config.labels > 0 ? .labelling : .search) }
    }
}
