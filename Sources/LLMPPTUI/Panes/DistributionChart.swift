import Foundation
import LLMPPCore

/// An answer's distribution as text rows for the prompt inspector: a summary line (median,
/// 10-90% interval, greedy, mean, truth where known), then value vs probability as
/// horizontal bars, merged into at most `maxRows` equal-width bins, with the rows that hold
/// the median and the truth marked.
enum DistributionChart {
    static let maxRows = 14

    static func lines(_ d: ScoreDistribution, truth: Double?, width: Int) -> [(String, Role)] {
        let source = d.source == .digitTree ? "digit walk" : "\(d.points.count) distinct sampled answers"
        var out: [(String, Role)] = [("── answer distribution (\(source)) ──", .border)]
        var parts = [
            "median \(num(d.median))", "10-90% \(num(d.interval.low))-\(num(d.interval.high))", "mean \(num(d.mean))",
        ]
        if let g = d.greedy { parts.append("greedy \(num(g))") }
        if let truth { parts.append("truth \(num(truth)) (error \(num(abs(d.median - truth))))") }
        out += wrapParts(parts, width: width).map { ($0, .title) }
        let bins = binned(d)
        let top = bins.map(\.probability).max() ?? 1
        let barWidth = max(4, min(40, width - 30))
        for bin in bins {
            let n = Int((bin.probability / top * Double(barWidth)).rounded())
            var marks: [String] = []
            if bin.range.contains(d.median) { marks.append("◀ median") }
            if let truth, bin.range.contains(truth) { marks.append("◆ truth") }
            let label = Renderer.pad(num(bin.value), 7, right: true)
            let text =
                "\(label) \(String(repeating: "█", count: n))\(String(repeating: " ", count: barWidth - n)) "
                + String(format: "%5.1f%%", 100 * bin.probability)
                + (marks.isEmpty ? "" : " " + marks.joined(separator: " "))
            out.append((text, marks.isEmpty ? .response : .accent))
        }
        if let truth, let first = bins.first, let last = bins.last,
            truth < first.range.lowerBound || truth > last.range.upperBound
        {
            out += PromptPane.wrap("◆ truth \(num(truth)) lies outside every answer the model gave weight to", width)
                .map { ($0, .warning) }
        }
        return out
    }

    /// Joins parts with " · ", starting a new line where the next part would not fit.
    static func wrapParts(_ parts: [String], width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for p in parts {
            if line.isEmpty {
                line = p
            } else if line.count + 3 + p.count <= width {
                line += " · " + p
            } else {
                lines.append(line)
                line = p
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    struct Bin {
        var value: Double
        var range: ClosedRange<Double>
        var probability: Double
    }

    /// One bin per point when they fit; else equal-width bins over the points' span, each
    /// labelled by its probability-weighted mean.
    static func binned(_ d: ScoreDistribution) -> [Bin] {
        let pts = d.points
        guard pts.count > maxRows, let lo = pts.first?.value, let hi = pts.last?.value, hi > lo else {
            return pts.enumerated().map { i, p in
                let below = i > 0 ? (pts[i - 1].value + p.value) / 2 : p.value - 1e-9
                let above = i + 1 < pts.count ? (pts[i + 1].value + p.value) / 2 : p.value + 1e-9
                return Bin(value: p.value, range: below...above, probability: p.probability)
            }
        }
        let step = (hi - lo) / Double(maxRows)
        var out: [Bin] = (0..<maxRows).map { i in
            Bin(value: 0, range: (lo + Double(i) * step)...(lo + Double(i + 1) * step), probability: 0)
        }
        for p in pts {
            let i = min(maxRows - 1, Int((p.value - lo) / step))
            out[i].value += p.value * p.probability
            out[i].probability += p.probability
        }
        return out.filter { $0.probability > 0 }.map { b in
            var b = b
            b.value /= b.probability
            return b
        }
    }

    static func num(_ v: Double) -> String { String(format: "%.2f", v) }
}
