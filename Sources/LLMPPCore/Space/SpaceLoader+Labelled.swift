import Foundation

/// A space file's labelled architectures (truth, splits, baselines, recorded figures) and pools.
extension SpaceLoader {
    /// The labelled set: a table that lists architectures, its ids, its truth metrics compiled,
    /// its splits read from their columns, the baselines' predictions and the recorded figures.
    static func buildLabelled(
        _ l: SpaceFile.LabelledFile, tables: [SpaceTable], csvs: [CSVTable], tableIndex: [String: Int],
        _ compile: Compile, _ fail: Fail
    ) throws -> LabelledSet {
        guard let ti = tableIndex[l.table] else { throw fail("labelled.table", "unknown table '\(l.table)'") }
        guard !tables[ti].architectures.isEmpty else {
            throw fail(
                "labelled.table", "table '\(l.table)' does not list architectures (its key must name every dimension)")
        }
        let csv = csvs[ti]
        var ids = (0..<csv.rows.count).map(String.init)
        if let idc = l.id_column {
            guard let c = csv.column(idc) else {
                throw fail("labelled.id_column", "table '\(l.table)' has no column '\(idc)'")
            }
            ids = csv.rows.map { $0[c] }
        }
        guard !l.truth.isEmpty else { throw fail("labelled.truth", "needs at least one metric") }
        let truth = try l.truth.mapValues { try compile("labelled.truth", $0) }
        let splits = try (l.splits ?? [:]).sorted(by: { $0.key < $1.key }).map { seed, column in
            try split(seed, column: column, of: csv, table: l.table, fail)
        }
        let baselines = try (l.baselines ?? []).enumerated().map { i, b in
            var p: [String: CompiledExpression] = [:]
            if let v = b.valid { p["valid"] = try compile("labelled.baselines[\(i)].valid", v) }
            if let t = b.test { p["test"] = try compile("labelled.baselines[\(i)].test", t) }
            return Baseline(name: b.name, predictions: p)
        }
        let recorded = try (l.recorded ?? [:]).mapValues { try compile("labelled.recorded", $0) }
        return LabelledSet(table: ti, ids: ids, truth: truth, splits: splits, baselines: baselines, recorded: recorded)
    }

    /// A split from its column: "train", "test" or blank (not in this split) on every row.
    static func split(_ seed: String, column: String, of csv: CSVTable, table: String, _ fail: Fail) throws -> Split {
        guard let c = csv.column(column) else {
            throw fail("labelled.splits.\(seed)", "table '\(table)' has no column '\(column)'")
        }
        var train: [Int] = []
        var test: [Int] = []
        for (r, row) in csv.rows.enumerated() {
            switch row[c].trimmingCharacters(in: .whitespaces) {
            case "train": train.append(r)
            case "test": test.append(r)
            case "": continue
            default:
                throw fail(
                    "labelled.splits.\(seed)",
                    "row \(r + 2) of '\(table)': '\(row[c])' is neither train, test nor blank (not in this split)")
            }
        }
        return Split(seed: seed, train: train, test: test)
    }

    /// The pools: named tables that list architectures (unlabeled ones a search or a labelling
    /// run draws from).
    static func buildPools(
        _ raw: [String: String], tables: [SpaceTable], tableIndex: [String: Int], _ fail: Fail
    ) throws -> [String: Int] {
        var pools: [String: Int] = [:]
        for (name, table) in raw {
            guard let ti = tableIndex[table] else { throw fail("pools.\(name)", "unknown table '\(table)'") }
            guard !tables[ti].architectures.isEmpty else {
                throw fail(
                    "pools.\(name)", "table '\(table)' does not list architectures (its key must name every dimension)")
            }
            pools[name] = ti
        }
        return pools
    }
}
