import Foundation

/// Where a steering request is judged, once for the command line, the explorer and the
/// engine: what a request becomes (clamped) and what the user is told.
public enum SteeringRules {
    public struct Outcome: Sendable, Equatable {
        /// The value that takes effect; nil when the request is refused.
        public var value: Int?
        /// What to tell the user: the change, the clamp, or why not.
        public var message: String
    }

    /// The switch point a request for `requested` gives in a run with this configuration
    /// and state; `generationInFlight`: a generation is being scored now (with the switch it
    /// started with: "generations 3-4 were already scored" left out the 5th, in flight).
    public static func switchPoint(
        _ requested: Int, config: RunConfig, state: RunState, generationInFlight: Bool = false
    ) -> Outcome {
        let n = config.evolution.iterations
        if config.labels == 0 && requested > 0 {
            return Outcome(value: nil, message: "no LLM-Distill-PP in this run (0 labels): the switch point stays 0")
        }
        let v = max(0, min(n, requested))
        var message = "switch point -> generation \(v)"
        if v != requested { message += " (clamped to 0...\(n))" }
        // The first generation the new switch can still decide.
        let next = state.generation + (generationInFlight ? 1 : 0)
        if state.finished {
            message += "; the run is finished: r starts a new run with it"
        } else if let at = state.switchReachedAt, v > at, at < next {
            message +=
                "; generations \(at)-\(next - 1) were already scored by the expensive evaluator"
                + (generationInFlight ? " (\(next - 1) is being scored)" : "")
        } else if v < next {
            message += "; takes effect from generation \(next)"
        }
        if let end = labelsEnd(config: config), v > end + 1 {
            let reusing = v - 1 == end + 1 ? "generation \(end + 1) reuses" : "generations \(end + 1)-\(v - 1) reuse"
            message += "; the \(config.labels) labels are all in by generation \(end): \(reusing) its student"
        }
        return Outcome(value: v, message: message)
    }

    /// The first generation of an anytime run whose student rests on the whole label budget
    /// (L(g) = min(N, W + g K) reaches N); nil for the paper's schedule, which labels first, or
    /// a schedule that labels nothing during the search.
    static func labelsEnd(config: RunConfig) -> Int? {
        config.anytime?.generationWithEveryLabel(budget: config.labels)
    }

    /// Whether the run, moving its switch point to `v`, gives back a switch it reached but did
    /// not cross: `--pause-at-switch` stops before the first expensive generation, and a later
    /// switch set there must be reached (announced, paused at) again where it now is.
    public static func unreachesSwitch(movingTo v: Int, state: RunState) -> Bool {
        guard let at = state.switchReachedAt else { return false }
        return at == state.generation && v > at
    }

    /// The pace twice as fast or half as fast as `pace` (1x to 10,000,000x), and what the user
    /// is told; nil for a run without a pace. Relative, like the switch: the explorer sent an
    /// absolute pace from its lagging copy, and rapid presses were lost (- - from 2000x gave
    /// 1000x).
    public static func scaledPace(_ pace: Double?, faster: Bool, state: RunState) -> (pace: Double?, message: String) {
        guard let pace else { return (nil, "this run has no pace to change (--pace X sets one)") }
        let next = max(1, min(1e7, faster ? pace * 2 : pace / 2))
        var message = String(format: "pace %.0fx: an expensive batch sleeps its recorded cost / %.0f", next, next)
        if state.finished { message += "; the run is finished: r starts a new run with it" }
        return (next, message)
    }

    /// The constraint 5% tighter or looser than `c` (rounded to what the header shows), and
    /// what the user is told; nil for a run without a constraint.
    public static func scaledConstraint(_ c: RunConfig.Constraint, tighter: Bool, state: RunState) -> (
        constraint: RunConfig.Constraint?, message: String
    ) {
        var scaled = c
        let f = tighter ? 0.95 : 1 / 0.95
        if let l = c.latencyMs {
            scaled.latencyMs = (l * f * 100).rounded() / 100
        } else if let g = c.gflops {
            scaled.gflops = (g * f * 1000).rounded() / 1000
        } else {
            return (nil, "this run has no constraint to change")
        }
        let message =
            "constraint -> \(scaled.summary)"
            + (state.finished ? "; the run is finished: r starts a new run with it" : "")
        return (scaled, message)
    }
}
