import Foundation
import LLMPPCore

extension RunConfig {
    /// Problems only the space can tell: a label pool it lacks, or more labels than its pool
    /// holds outside the test split (they used to be capped silently, the run paying for
    /// every architecture of the pool).
    /// A latency constraint on a space that measured no device (said before a run is created,
    /// and by the engine for runs made without the command line).
    static func noLatencyData(_ space: SearchSpace) -> String {
        "space '\(space.id)' has no latency data (no measured device): a latency constraint needs one; --gflops constrains FLOPs instead"
    }

    public func problem(in space: SearchSpace) -> String? {
        if constraint.latencyMs != nil && space.latency == nil && constraint.hardware == nil {
            return Self.noLatencyData(space)
        }
        guard labels > 0 else { return nil }
        if let name = labelPool, space.pools[name] == nil {
            return
                "--label-pool: space '\(space.id)' has no pool '\(name)' (has: \(space.pools.keys.sorted().joined(separator: ", ")))"
        }
        let excluded = testArchitectureIDs(space)
        let available: Double
        let source: String
        if let name = labelPool ?? space.pools.keys.sorted().first, let pool = space.pool(name) {
            available = Double(pool.lazy.filter { !excluded.contains(space.id($0)) }.count)
            source = "the pool '\(name)' holds"
        } else {
            available = max(0, space.shape.size - Double(excluded.count))
            source = "the space holds"
        }
        guard Double(labels) > available else { return nil }
        return
            "--labels \(labels) is more than the \(Int(available)) architectures \(source) outside the test split: use at most \(Int(available))"
    }

    /// The architectures of the split's test set, which are never labelled.
    private func testArchitectureIDs(_ space: SearchSpace) -> Set<String> {
        guard let l = space.labelled else { return [] }
        let archs = space.tables[l.table].architectures
        guard let split = l.resolveSplit(splitSeed, rowCount: archs.count) else { return [] }
        return Set(split.test.map { space.id(archs[$0]) })
    }
}
