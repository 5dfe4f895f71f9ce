import Foundation
import LLMPPCore
import LLMPPStore

/// What a watcher shows beyond the run's state: the last generations, the Pareto front, the
/// newest calls and the predictors' quality. The engine keeps it, so that a watcher mirrors
/// one snapshot instead of patching its own copy from events (the explorer's copy drifted).
struct WatchedView: Sendable {
    static let maxGenerations = 60
    static let maxCalls = 2000

    var history: [[Candidate]] = []
    var pareto: [Candidate] = []
    /// Newest first.
    var calls: [CallRecord] = []
    var quality: [(String, [PredictorQuality])] = []
    var qualityPoints: [QualityPoint] = []
    /// What the quality was computed for (see `Engine.qualityKey`); nil before the first time.
    var qualityKey: String? = nil

    /// A resumed run starts from its saved generations (oldest first) and its newest calls.
    init(generations: [[Candidate]] = [], calls: [CallRecord] = []) {
        history = Array(generations.filter { !$0.isEmpty }.suffix(Self.maxGenerations))
        if let last = history.last {
            pareto = paretoFront(last, score: \.score, latency: { $0.latencyMs ?? $0.gflops })
        }
        self.calls = Array(calls.prefix(Self.maxCalls))
    }

    mutating func record(_ e: EngineEvent) {
        switch e {
        case .callFinished(let r):
            calls.insert(r, at: 0)
            if calls.count > Self.maxCalls { calls.removeLast(calls.count - Self.maxCalls) }
        case .generationDone(_, _, let population, let front, _):
            history.append(population)
            if history.count > Self.maxGenerations { history.removeFirst(history.count - Self.maxGenerations) }
            pareto = front
        default: break
        }
    }
}

extension Engine {
    /// The newest snapshot now, then a new one after every change (a step, a call, a steering
    /// change, a wait beginning or ending). Only the newest is buffered: a slow watcher skips
    /// to the present instead of replaying the past.
    public func snapshots() -> AsyncStream<EngineSnapshot> {
        let id = UUID()
        let (stream, cont) = AsyncStream<EngineSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        snapshotWatchers[id] = cont
        cont.onTermination = { [weak self] _ in Task { await self?.stopWatching(id) } }
        cont.yield(fullSnapshot())
        return stream
    }

    func stopWatching(_ id: UUID) { snapshotWatchers[id] = nil }

    /// Hands every watcher the state as it is now.
    func publish() {
        guard !snapshotWatchers.isEmpty else { return }
        let s = fullSnapshot()
        for c in snapshotWatchers.values { c.yield(s) }
    }

    /// The snapshot with the watched view, its quality brought up to date first.
    func fullSnapshot() -> EngineSnapshot {
        refreshQualityIfStale()
        var s = snapshot()
        s.history = watched.history
        s.pareto = watched.pareto
        s.calls = watched.calls
        s.quality = watched.quality
        s.qualityPoints = watched.qualityPoints
        return s
    }

    /// The quality changes only with the predictions behind it: LLM-PP's, and the student's.
    var qualityKey: String {
        "\(state.phase)|\(state.llmppPredictions.count)|\(state.studentLabels ?? -1)|\(student != nil)"
    }

    func refreshQualityIfStale() {
        let key = qualityKey
        guard watched.qualityKey != key else { return }
        watched.qualityKey = key
        // One forward pass of the student for both (the table and the scatter score the same predictions).
        let predictions = try? testSplitPredictions()
        watched.quality = (try? predictorQuality(predictions)) ?? []
        watched.qualityPoints = (try? qualityPoints(predictions)) ?? []
    }
}
