import Foundation
import LLMPPCore

/// How an architecture breaks a run's constraint (or lies outside a space that scores only its
/// listed architectures), judged in one place for the search's
/// feasibility test (every candidate, the latency model asked once per batch) and for an
/// injection (which says why it is refused).
enum ConstraintViolation: Equatable, CustomStringConvertible {
    case flops(gflops: Double, limit: Double)
    case latency(ms: Double, limit: Double)
    case unknownLatency
    /// Not one of the architectures a space that scores only its listed ones lists.
    case unlisted(listed: Int, tables: [String])

    var description: String {
        switch self {
        case .flops(let f, let g): return String(format: "%.4g GFLOPs > the constraint's %.4g", f, g)
        case .latency(let l, let limit): return String(format: "%.4g ms > the constraint's %.4g ms", l, limit)
        case .unknownLatency: return "its latency is unknown on this hardware"
        case .unlisted(let n, let tables):
            return
                "not one of the \(n) architectures the space lists (its efficiency formulas read table \(tables.map { "'\($0)'" }.joined(separator: ", ")))"
        }
    }

    /// One entry per architecture: nil where it meets the constraint. An unknown FLOPs count
    /// or latency breaks it.
    static func check(
        _ archs: [Architecture], constraint: RunConfig.Constraint, space: SearchSpace, latency: LatencyModel?
    ) -> [ConstraintViolation?] {
        var out = [ConstraintViolation?](repeating: nil, count: archs.count)
        if let listing = space.listing {
            for (i, a) in archs.enumerated() where !listing.contains(space.id(a)) {
                out[i] = .unlisted(listed: listing.architectures.count, tables: listing.tables)
            }
        }
        if let g = constraint.gflops {
            for (i, a) in archs.enumerated() where out[i] == nil {
                let f = ((try? space.flops(a)) ?? .infinity) / 1e9
                if !(f <= g) { out[i] = .flops(gflops: f, limit: g) }
            }
        }
        if let limit = constraint.latencyMs {
            // Only the architectures still standing: one the latency model cannot read (an
            // unlisted one) must not make the whole batch's latency unknown.
            let open = archs.indices.filter { out[$0] == nil }
            let lat = (try? latency?.latencyMs(open.map { archs[$0] })) ?? nil
            for (k, i) in open.enumerated() {
                guard let l = lat?[k] else {
                    out[i] = .unknownLatency
                    continue
                }
                if !(l <= limit) { out[i] = .latency(ms: l, limit: limit) }
            }
        }
        return out
    }
}
