import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Phase 2: the LLM labels the architectures LLM-Distill-PP learns from, a batch per unit.
extension Engine {
    func stepLabelling() async throws {
        try await labelBatch()
        if state.labelsDone >= targets.count {
            guard targets.contains(where: { labelValues[space.id($0)] != nil && labelValues[space.id($0)]! != nil })
            else {
                throw EngineError.phaseFailed(
                    "every label failed: the LLM gave no usable answer (see 'llmpp calls --run \(runID)')")
            }
            setPhase(.training)
        }
    }

    /// Labels the next batch of `targets`, saving each answer (failed ones count as done).
    func labelBatch() async throws {
        guard let predictor else { throw EngineError.phaseFailed("no LLM for labelling") }
        let batch = Array(targets.dropFirst(state.labelsDone).prefix(batchSize))
        let demos = demonstrations
        let results = await waiting(
            for: "the LLM (\(batch.count) label\(batch.count == 1 ? "" : "s"))", timeout: llmTimeout, retried: true
        ) {
            await predictor.predictAll(batch.map { ($0, demos) }, purpose: "label")
        }
        try Self.stopIfUnavailable(results)
        for (a, p) in zip(batch, results) {
            let id = space.id(a)
            try await runs.saveLabel(run: runID, archID: id, value: p.value, callIDs: p.callIDs)
            labelValues[id] = p.value
            if p.value == nil { state.labelsFailed += 1 }
        }
        state.labelsDone += batch.count
        answersFromCache[.labelling, default: 0] += results.filter(\.answeredFromCache).count
        emit(
            .labelProgress(
                done: state.labelsDone, total: labelTarget, failed: state.labelsFailed,
                fromCache: answersFromCache[.labelling] ?? 0))
    }

    /// A batch with a budget stop or an unreachable LLM is not counted: the run pauses before
    /// the unit, and its answers already paid for come back from the cache on resume.
    static func stopIfUnavailable(_ results: [Prediction]) throws {
        if let stop = results.first(where: \.budgetExhausted) {
            throw EngineError.phaseFailed("LLM budget exhausted: \(stop.error ?? "")")
        }
        // Cut by a quit (the provider stopped under the batch): a pause, not a failure.
        if results.contains(where: \.cancelled) {
            throw CancellationError()
        }
        if let down = results.first(where: \.transient) {
            throw EngineError.phaseFailed(
                "the LLM or the transcript store is unavailable (\(down.error ?? "no answer")): the run is paused at this unit; resume when it is back"
            )
        }
    }
}
