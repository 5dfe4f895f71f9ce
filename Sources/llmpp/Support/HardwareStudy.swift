import Foundation
import LLMPPCore

/// `reproduce --parts hardware`: leave-one-device-out few-shot latency prediction. On a
/// predictor space (HAT) every ordered (source, target) pair of its devices; on a measured
/// space (NB201) a few source settings adapted to each other setting.
struct HardwareStudy {
    struct SpaceResult {
        var space: String
        var records: [FewShotLatencyStudy.Record]
        /// The fully trained per-device predictor on each target, the ceiling.
        var ceilings: [String: LatencyAccuracy]
        var measuredSpace: Bool
    }

    /// One method at one k, averaged over every (pair, draw) of one source setting.
    struct Cell {
        /// How many source devices each target was adapted from.
        var sourceCount: Int
        var method: LatencyAdaptationMethod
        var k: Int
        var mape: Double
        var kendall: Double
        var withinTenPercent: Double
        var runs: Int
        /// For auto: how often it chose each method.
        var chosen: [LatencyAdaptationMethod: Int]
    }

    var ks: [Int]
    var draws: Int
    var measuredSources: [String]
    var cacheDirectory: String
    var methods: [LatencyAdaptationMethod] = LatencyAdaptationMethod.allCases

    func run(space: SearchSpace, progress: @escaping (String) -> Void) throws -> SpaceResult {
        guard let spec = space.latency else { throw CLIError("\(space.id) has no latency data") }
        let measured = spec.isMeasured
        let pairs: [(sources: [String], target: String)] =
            measured
            ? spec.hardware.filter { !measuredSources.contains($0) }.map { (measuredSources, $0) }
            : spec.hardware.flatMap { s in spec.hardware.filter { $0 != s }.map { ([s], $0) } }
                // Leave-one-device-out proper: every other device as a source at once.
                + spec.hardware.map { t in (spec.hardware.filter { $0 != t }, t) }
        var records: [FewShotLatencyStudy.Record] = []
        var ceilings: [String: LatencyAccuracy] = [:]
        let started = Date()
        for (i, pair) in pairs.enumerated() {
            let rows = try LatencyRows.measured(
                space: space, target: pair.target, sources: pair.sources, cacheDirectory: cacheDirectory)
            records += FewShotLatencyStudy.run(target: pair.target, rows: rows, ks: ks, draws: draws, methods: methods)
            if ceilings[pair.target] == nil {
                ceilings[pair.target] = try FewShotLatencyStudy.ceiling(
                    space: space, target: pair.target, cacheDirectory: cacheDirectory)
            }
            let elapsed = Date().timeIntervalSince(started)
            progress(
                String(
                    format: "hardware: %@ %@ -> %@ done (%d of %d, %.0f s elapsed, ETA %.0f s)", space.id,
                    pair.sources.joined(separator: "+"), pair.target, i + 1, pairs.count, elapsed,
                    elapsed / Double(i + 1) * Double(pairs.count - i - 1)))
        }
        return SpaceResult(space: space.id, records: records, ceilings: ceilings, measuredSpace: measured)
    }

    static func cells(_ r: SpaceResult) -> [Cell] {
        let groups = Dictionary(grouping: r.records) { "\($0.sources.count)|\($0.method.rawValue)|\($0.k)" }
        return groups.values.map { g in
            Cell(
                sourceCount: g[0].sources.count, method: g[0].method, k: g[0].k,
                mape: nanMean(g.map(\.accuracy.meanAbsolutePercentageError)),
                kendall: nanMean(g.map(\.accuracy.kendall)),
                withinTenPercent: nanMean(g.map(\.accuracy.withinTenPercent)),
                runs: g.count, chosen: Dictionary(grouping: g, by: \.chosen).mapValues(\.count))
        }.sorted {
            $0.sourceCount != $1.sourceCount
                ? $0.sourceCount < $1.sourceCount
                : $0.k != $1.k
                    ? $0.k < $1.k
                    : LatencyAdaptationMethod.allCases.firstIndex(of: $0.method)!
                        < LatencyAdaptationMethod.allCases.firstIndex(of: $1.method)!
        }
    }

    static func ceiling(_ r: SpaceResult) -> Cell {
        let c = Array(r.ceilings.values)
        return Cell(
            sourceCount: 0, method: .targetMLP, k: 0, mape: nanMean(c.map(\.meanAbsolutePercentageError)),
            kendall: nanMean(c.map(\.kendall)), withinTenPercent: nanMean(c.map(\.withinTenPercent)), runs: c.count,
            chosen: [:])
    }

    /// The issue's goals at k = 10 for the default method (auto): Acc(10%) within 10 points
    /// of the ceiling on a predictor space; Kendall >= 0.8 on a measured space's unseen settings.
    static func verdicts(_ r: SpaceResult) -> [String] {
        cells(r).filter { $0.k == 10 && $0.method == .crossValidated }.map { c in
            let from = c.sourceCount == 1 ? "one source device" : "\(c.sourceCount) source devices"
            if r.measuredSpace {
                return String(
                    format:
                        "%@: k = 10 from %@, auto: mean Kendall %.3f over %d unseen settings x draws; goal >= 0.8: %@",
                    r.space, from, c.kendall, c.runs, c.kendall >= 0.8 ? "met" : "NOT met")
            }
            let top = ceiling(r).withinTenPercent
            return String(
                format:
                    "%@: k = 10 from %@, auto: Acc(10%%) %.1f%% vs the fully trained predictor's %.1f%%; goal within 10 points: %@",
                r.space, from, c.withinTenPercent * 100, top * 100, c.withinTenPercent >= top - 0.1 ? "met" : "NOT met")
        }
    }

    static func nanMean(_ v: [Double]) -> Double { Metrics.mean(v.filter { !$0.isNaN }) }
}
