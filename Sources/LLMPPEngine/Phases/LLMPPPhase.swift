import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Phase 1 (optional): LLM-PP predicts the split's test architectures, a batch per unit; with
/// a calibration it then answers each demonstration from the other nine, a batch per unit.
extension Engine {
    /// The answers the phase asks for: the test architectures, then the leave-one-out ones.
    var llmppUnits: Int {
        testRows.count + (config.prediction.calibration == .none ? 0 : demonstrations.count)
    }

    func stepLLMPP() async throws {
        guard let predictor, space.labelled != nil else {
            setPhase(config.labels > 0 ? .labelling : .search)
            return
        }
        if state.llmppDone < testRows.count {
            try await predictTestBatch(predictor)
        } else {
            try await calibrationBatch(predictor)
        }
        emit(.llmppProgress(done: state.llmppDone, total: llmppUnits, fromCache: answersFromCache[.llmpp] ?? 0))
        if state.llmppDone >= llmppUnits { setPhase(config.labels > 0 ? .labelling : .search) }
    }

    private func predictTestBatch(_ predictor: LLMPredictor) async throws {
        let table = space.tables[space.labelled!.table]
        let batch = Array(testRows.dropFirst(state.llmppDone).prefix(batchSize))
        let results = try await predictBatch(
            predictor, batch.map { (table.architectures[$0], demonstrations) }, what: "test architecture",
            purpose: "llmpp")
        for (r, p) in zip(batch, results) {
            if let v = p.value { state.llmppPredictions[space.id(table.architectures[r])] = v }
        }
        state.llmppDone += batch.count
    }

    private func calibrationBatch(_ predictor: LLMPredictor) async throws {
        let first = state.llmppDone - testRows.count
        let batch = Array(first..<min(demonstrations.count, first + batchSize))
        let results = try await predictBatch(
            predictor,
            batch.map { LeaveOneOutCalibration.leaveOut($0, of: demonstrations) }, what: "demonstration left out",
            purpose: "calibration")
        var answers = state.llmppCalibrationAnswers ?? Array(repeating: nil, count: demonstrations.count)
        for (i, p) in zip(batch, results) { answers[i] = p.value }
        state.llmppCalibrationAnswers = answers
        state.llmppDone += batch.count
    }

    /// One unit's predictions, asked together (they share their prompt's prefix); in order.
    private func predictBatch(
        _ predictor: LLMPredictor, _ asks: [LLMPredictor.Ask], what: String, purpose: String
    ) async throws -> [Prediction] {
        let results = await waiting(
            for: "the LLM (\(asks.count) \(what)\(asks.count == 1 ? "" : "s"))", timeout: llmTimeout, retried: true
        ) {
            await predictor.predictAll(asks, purpose: purpose)
        }
        try Self.stopIfUnavailable(results)
        answersFromCache[.llmpp, default: 0] += results.filter(\.answeredFromCache).count
        return results
    }

    /// LLM-PP's calibration once every leave-one-out answer is in (nil: uncalibrated run).
    var llmppCalibration: LeaveOneOutCalibration? {
        guard config.prediction.calibration != .none, let answers = state.llmppCalibrationAnswers,
            state.llmppDone >= llmppUnits
        else { return nil }
        return LeaveOneOutCalibration(
            method: config.prediction.calibration, answers: answers, truths: demonstrations.map(\.1))
    }

    /// The range the prompts ask the score in.
    var scoreRange: ClosedRange<Double> { space.task.range[0]...space.task.range[1] }
}
