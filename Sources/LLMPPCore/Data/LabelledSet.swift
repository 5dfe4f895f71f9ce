/// The architectures with a known score (trained from scratch): truth per metric,
/// demonstration/test splits per seed, and baseline predictors' scores.
public struct LabelledSet: Sendable {
    public let table: Int
    /// Each row's id as the data names it (arch_id, arch_index).
    public let ids: [String]
    /// Metric name ("valid", "test") -> expression of the truth.
    public let truth: [String: CompiledExpression]
    public let splits: [Split]
    public let baselines: [Baseline]
    /// Efficiency figures recorded in the data (to check the space's formulas against).
    public let recorded: [String: CompiledExpression]

    public var metrics: [String] { truth.keys.sorted { ($0 == "valid" ? 0 : 1, $0) < ($1 == "valid" ? 0 : 1, $1) } }

    public func split(_ seed: String) -> Split? { splits.first { $0.seed == seed } }

    /// The metric commands use when none is given: `valid` where the space has it (the
    /// paper's), else its only or first metric (a space with only `test` works as written).
    public var defaultMetric: String { metrics.first ?? "valid" }

    /// The split commands use when none is given: the paper's 123 where the space has it or
    /// draws splits at random, else the space's first.
    public var defaultSplitSeed: String { splits.isEmpty || split("123") != nil ? "123" : splits[0].seed }

    /// The splits "all seeds" means: the space's own, or three drawn ones (1, 2, 3) where it
    /// draws its splits.
    public var allSplitSeeds: [String] { splits.isEmpty ? ["1", "2", "3"] : splits.map(\.seed) }
}

public struct Split: Sendable, Equatable {
    public let seed: String
    /// Row indices into the labelled table.
    public let train: [Int]
    public let test: [Int]
}

public struct Baseline: Sendable {
    public let name: String
    /// Metric name -> expression of this predictor's score.
    public let predictions: [String: CompiledExpression]
}

extension LabelledSet {
    /// A drawn split's size: the paper's 10 demonstrations and 20 test architectures.
    public static let drawnDemonstrations = 10
    public static let drawnTests = 20
    public static var drawnSplitRows: Int { drawnDemonstrations + drawnTests }

    /// A split by seed: the space's own where it has one (the paper's 123/456/789), otherwise
    /// `train` + `test` distinct rows drawn with the seed (NAS-Bench-201), never overlapping.
    public func resolveSplit(
        _ seed: String, rowCount: Int, train: Int = drawnDemonstrations, test: Int = drawnTests
    ) -> Split? {
        if let s = split(seed) { return s }
        guard splits.isEmpty, let n = UInt64(seed), rowCount >= train + test else { return nil }
        var rng = SeededGenerator(seed: n)
        var chosen: [Int] = []
        var seen = Set<Int>()
        while chosen.count < train + test {
            let r = rng.index(rowCount)
            if seen.insert(r).inserted { chosen.append(r) }
        }
        return Split(seed: seed, train: Array(chosen.prefix(train)), test: Array(chosen.suffix(test)))
    }
}

extension SearchSpace {
    /// A split's demonstrations: each training row's architecture with its truth under `truth`
    /// (what an LLM-PP prompt shows). One place for the prompts of runs, `predict`, `check`
    /// and the benchmarks.
    public func demonstrations(_ split: Split, truth: CompiledExpression) throws -> [(Architecture, Double)] {
        guard let l = labelled else { return [] }
        let archs = tables[l.table].architectures
        return try split.train.map { (archs[$0], try evaluate(truth, archs[$0], row: (l.table, $0))) }
    }
}
