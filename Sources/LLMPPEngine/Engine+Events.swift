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

    func relay(_ e: CallEvent) async {
        switch e {
        case .started(let archID, _, _):
            waitingOn?.retryNote = nil
            emit(.callStarted(archID: archID))
        case .retrying(_, let because):
            // Said on the waiting line (the TUI's and headless runs'), not as an event of its own.
            waitingOn?.retryNote = because
            publish()
        case .finished(let r):
            state.counters.llmCalls += 1
            state.counters.tokens += (r.tokensIn ?? 0) + (r.tokensOut ?? 0)
            state.counters.costUSD += r.costUSD ?? 0
            state.llmSeconds = (state.llmSeconds ?? 0) + r.latencyMs / 1000
            if r.status == .error { state.counters.failedCalls += 1 }
            emit(.callFinished(r))
        case .cacheHit(_, _, let callID):
            state.counters.cachedAnswers += 1
            await showCachedCall(callID)
        }
    }

    /// The call that paid for a cached answer, from the run that made it, among the calls the
    /// explorer lists: a run whose answers all came from the cache (the default run, started a
    /// second time) showed "no calls yet" and nothing to inspect.
    private func showCachedCall(_ id: Int64) async {
        guard !watched.calls.contains(where: { $0.id == id }),
            let record = try? await transcripts.call(id: id)
        else { return }
        watched.record(.callFinished(record))
        publish()
    }

    public func snapshot() -> EngineSnapshot {
        EngineSnapshot(
            runID: runID, config: config, state: state, providerName: provider?.displayName ?? "none",
            evaluatorName: evaluator.name, labelTarget: labelTarget, testCount: llmppUnits,
            running: loop != nil && !state.paused && !state.finished, costLabel: evaluator.costLabel,
            waiting: waitingOn, activity: providerActivity.current,
            latencyMeasurements: latency?.adapted?.saved.measurements.count, answersFromCache: answersFromCache,
            unitInFlight: stepping)
    }
}
