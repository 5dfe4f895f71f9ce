import Foundation

/// Prediction-quality metrics. Kendall is tau-b with ties handled as scipy.stats.kendalltau
/// does by default; Spearman is Pearson's r on average ranks; std is the population one
/// (numpy's default, ddof = 0), as the paper's mean ± std over three seeds.
public enum Metrics {
    public static func mae(_ predicted: [Double], _ truth: [Double]) -> Double {
        precondition(predicted.count == truth.count, "mae: lengths differ")
        guard !predicted.isEmpty else { return .nan }
        return zip(predicted, truth).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(predicted.count)
    }

    /// Kendall's tau-b: (P - Q) / sqrt((P + Q + X0)(P + Q + Y0)), X0/Y0 the pairs tied only in x/y.
    /// NaN when either side is constant, as scipy returns.
    public static func kendallTau(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "kendall: lengths differ")
        let n = x.count
        guard n >= 2 else { return .nan }
        // Past a few hundred points the O(n log n) count is faster; the result is the same.
        if n > 256 { return KendallMergeSort.tauB(x, y) }
        return pairwiseTauB(x, y)
    }

    /// The definition, pair by pair (also the reference the merge-sort count is tested against).
    static func pairwiseTauB(_ x: [Double], _ y: [Double]) -> Double {
        let n = x.count
        guard n >= 2 else { return .nan }
        var concordant = 0
        var discordant = 0
        var tiesX = 0
        var tiesY = 0
        for i in 0..<(n - 1) {
            for j in (i + 1)..<n {
                let dx = x[i] - x[j]
                let dy = y[i] - y[j]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 {
                    tiesX += 1
                    continue
                }
                if dy == 0 {
                    tiesY += 1
                    continue
                }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let a = Double(concordant + discordant + tiesX)
        let b = Double(concordant + discordant + tiesY)
        guard a > 0, b > 0 else { return .nan }
        return Double(concordant - discordant) / (a * b).squareRoot()
    }

    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "spearman: lengths differ")
        return pearson(ranks(x), ranks(y))
    }

    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count >= 2 else { return .nan }
        let mx = mean(x)
        let my = mean(y)
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return .nan }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Ranks from 1, ties sharing their average rank.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var r = [Double](repeating: 0, count: x.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let avg = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = avg }
            i = j + 1
        }
        return r
    }

    public static func mean(_ x: [Double]) -> Double {
        x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count)
    }

    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Population standard deviation (ddof = 0).
    public static func std(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count)).squareRoot()
    }
}
