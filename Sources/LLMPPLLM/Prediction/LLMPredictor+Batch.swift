import Foundation
import LLMPPCore

extension LLMPredictor {
    /// One question of a batch: the architecture to predict and the demonstrations it is asked from.
    public typealias Ask = (test: Architecture, demonstrations: [(Architecture, Double)])

    /// Predictions of several architectures, in the order asked. They go out together: the
    /// limiter bounds what reaches the provider, and prompts that share their prefix (a split's
    /// test architectures, or its leave-one-out questions up to the left-out demonstration) reach
    /// a one-slot local server back to back, so that it keeps its prefix cache. `answered` hears
    /// the count done after each answer and how many of those came from the cache (progress
    /// lines, whose rate must not count answers that took no time).
    public nonisolated func predictAll(
        _ asks: [Ask], purpose: String, answered: (@Sendable (_ done: Int, _ fromCache: Int) -> Void)? = nil
    ) async -> [Prediction] {
        await withTaskGroup(of: (Int, Prediction).self) { group in
            for (i, ask) in asks.enumerated() {
                group.addTask {
                    (i, await self.predict(ask.test, demonstrations: ask.demonstrations, purpose: purpose))
                }
            }
            var out: [(Int, Prediction)] = []
            var fromCache = 0
            for await x in group {
                out.append(x)
                if x.1.answeredFromCache { fromCache += 1 }
                answered?(out.count, fromCache)
            }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
