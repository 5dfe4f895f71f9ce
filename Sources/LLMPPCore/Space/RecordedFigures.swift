import Foundation

/// The efficiency figures a space's data records (`labelled.recorded`) against its formulas,
/// row by row: a wrong constant in a user's FLOPs formula used to load without a word.
public enum RecordedFigures {
    public struct Check: Sendable, Equatable {
        /// "flops", "params", "embedding_params" or "last_layer_flops".
        public var figure: String
        public var rows: Int
        /// Rows whose figure differs from the formula.
        public var mismatchCount: Int
        /// The first of them.
        public var mismatches: [Mismatch]
    }

    public struct Mismatch: Sendable, Equatable {
        /// 1-based data row (as a spreadsheet shows it, after the header).
        public var row: Int
        public var formula: Double
        public var recorded: Double
    }

    /// Each recorded figure checked on every labelled row (relative tolerance 1e-9); at most
    /// `keep` mismatches kept per figure, all counted in `rows`.
    public static func check(_ space: SearchSpace, keep: Int = 5) throws -> [Check] {
        guard let l = space.labelled else { return [] }
        let archs = space.tables[l.table].architectures
        var out: [Check] = []
        for (name, expr) in l.recorded.sorted(by: { $0.key < $1.key }) {
            guard let formula = formula(name, space) else { continue }
            var mismatches: [Mismatch] = []
            var bad = 0
            for (r, a) in archs.enumerated() {
                let f = try formula(a)
                let rec = try space.evaluate(expr, a, row: (l.table, r))
                guard let f, abs(f - rec) > 1e-9 * max(1, abs(rec)) else { continue }
                bad += 1
                if mismatches.count < keep { mismatches.append(Mismatch(row: r + 2, formula: f, recorded: rec)) }
            }
            out.append(Check(figure: name, rows: archs.count, mismatchCount: bad, mismatches: mismatches))
        }
        return out
    }

    static func formula(_ name: String, _ space: SearchSpace) -> ((Architecture) throws -> Double?)? {
        switch name {
        case "flops": return { try space.flops($0) }
        case "params": return { try space.params($0) }
        case "embedding_params": return { try space.embeddingParams($0) }
        case "last_layer_flops": return space.efficiency.lastLayerFlops.map { e in { try space.evaluate(e, $0) } }
        default: return nil
        }
    }
}
