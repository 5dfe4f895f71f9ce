import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

extension Engine {
    // MARK: events

    public func events() -> AsyncStream<EngineEvent> {
        let id = UUID()
        let (stream, cont) = AsyncStream<EngineEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        subscribers[id] = cont
        cont.onTermination = { [weak self] _ in Task { await self?.unsubscribe(id) } }
        return stream
    }

    func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    /// Tells the event's watchers, then the snapshot's: every event is a change to show.
    func emit(_ e: EngineEvent) {
        watched.record(e)
        for c in subscribers.values { c.yield(e) }
        publish()
    }

    func relay(_ e: CallEvent) {
        switch e {
        case .started(let archID, _, _): emit(.callStarted(archID: archID))
        case .finished(let r):
            state.counters.llmCalls += 1
            state.counters.tokens += (r.tokensIn ?? 0) + (r.tokensOut ?? 0)
            state.counters.costUSD += r.costUSD ?? 0
            state.llmSeconds = (state.llmSeconds ?? 0) + r.latencyMs / 1000
            if r.status == .error { state.counters.failedCalls += 1 }
            emit(.callFinished(r))
        case .cacheHit: state.counters.cachedAnswers += 1
        }
    }

    public func snapshot() -> EngineSnapshot {
        EngineSnapshot(
            runID: runID, config: config, state: state, providerName: provider?.displayName ?? "none",
            evaluatorName: evaluator.name, labelTarget: labelTarget, testCount: llmppUnits,
            running: loop != nil && !state.paused && !state.finished, costLabel: evaluator.costLabel,
            waiting: waitingOn, activity: providerActivity.current,
            latencyMeasurements: latency?.adapted?.saved.measurements.count)
    }
}
