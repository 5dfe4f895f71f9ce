import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// The anytime schedule inside the search phase: before generation g (before the switch) the
/// student must rest on L(g) labels. Each call does at most one unit of what is missing (a
/// batch of labels, or one warm retraining), so the run stays steerable and resumable.
extension Engine {
    /// True when it did a unit of labelling or training (the generation waits for the next step).
    func anytimeWork(forGeneration g: Int) async throws -> Bool {
        guard let a = config.anytime, g < config.switchAt, config.labels > 0 else { return false }
        let need = a.labels(forGeneration: g, budget: config.labels)
        if (state.studentLabels ?? 0) >= need { return false }
        if state.labelsDone < need && targets.count < need { extendTargets(to: need) }
        if state.labelsDone < min(need, targets.count) {
            try await labelBatch()
            return true
        }
        if (state.studentLabels ?? 0) < state.labelsDone {
            try await retrainWarm()
            return true
        }
        return false
    }

    /// Adds labels to ask for: the last generation's architectures the student is least sure
    /// of (farthest, in the student's features, from every labelled one), then the pool's next.
    /// Deterministic in the saved state, so a resumed run picks the same ones.
    func extendTargets(to count: Int) {
        var list = targets
        guard list.count < count, let fs = space.defaultFeatureSet else { return }
        var chosen = Set(list.map { space.id($0) })
        let known = list.compactMap { try? space.features($0, set: fs) }
        var scored: [(arch: Architecture, id: String, distance: Double)] = []
        var seen = Set<String>()
        for c in state.lastGeneration where !chosen.contains(c.id) && seen.insert(c.id).inserted {
            guard let f = try? space.features(c.arch, set: fs) else { continue }
            scored.append((c.arch, c.id, known.map { Self.squaredDistance($0, f) }.min() ?? .infinity))
        }
        scored.sort { $0.distance != $1.distance ? $0.distance > $1.distance : $0.id < $1.id }
        for s in scored where list.count < count {
            list.append(s.arch)
            chosen.insert(s.id)
        }
        for a in labelTargets where list.count < count && chosen.insert(space.id(a)).inserted { list.append(a) }
        state.anytimeTargets = list
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var d = 0.0
        for (x, y) in zip(a, b) { d += (x - y) * (x - y) }
        return d
    }
}
