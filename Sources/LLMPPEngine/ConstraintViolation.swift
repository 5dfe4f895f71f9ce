import Foundation
import LLMPPCore

/// How an architecture breaks a run's constraint, judged in one place for the search's
/// feasibility test (every candidate, the latency model asked once per batch) and for an
/// injection (which says why it is refused).
enum ConstraintViolation: Equatable, CustomStringConvertible {
    case flops(gflops: Double, limit: Double)
    case latency(ms: Double, limit: Double)
    case unknownLatency

    var description: String {
        switch self {
        case .flops(let f, let g): return String(format: "%.4g GFLOPs > the constraint's %.4g", f, g)
        case .latency(let l, let limit): return String(format: "%.4g ms > the constraint's %.4g ms", l, limit)
        case .unknownLatency: return "its latency is unknown on this hardware"
        }
    }

    /// One entry per architecture: nil where it meets the constraint. An unknown FLOPs count
    /// or latency breaks it.
    static func check(
        _ archs: [Architecture], constraint: RunConfig.Constraint, space: SearchSpace, latency: LatencyModel?
    ) -> [ConstraintViolation?] {
        var out = [ConstraintViolation?](repeating: nil, count: archs.count)
        if let g = constraint.gflops {
            for (i, a) in archs.enumerated() {
                let f = ((try? space.flops(a)) ?? .infinity) / 1e9
                if !(f <= g) { out[i] = .flops(gflops: f, limit: g) }
            }
        }
        if let limit = constraint.latencyMs {
            let lat = (try? latency?.latencyMs(archs)) ?? nil
            for i in archs.indices where out[i] == nil {
                guard let l = lat?[i] else {
                    out[i] = .unknownLatency
                    continue
                }
                if !(l <= limit) { out[i] = .latency(ms: l, limit: limit) }
            }
        }
        return out
    }
}
