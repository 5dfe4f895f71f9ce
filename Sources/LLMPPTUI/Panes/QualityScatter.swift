import Foundation
import LLMPPEngine

/// Predicted vs truth on the test split, beside the quality table: LLM-PP as ●, the student
/// as +, the diagonal (a perfect predictor) as ·, both axes on one scale.
enum QualityScatter {
    static let minWidth = 14

    static func draw(_ b: inout CellBuffer, _ points: [QualityPoint], _ r: Rect, ascii: Bool) {
        guard r.width >= minWidth, r.height >= 5 else { return }
        let values = points.flatMap { [$0.truth] + [$0.llmpp, $0.student].compactMap { $0 } }
        guard let lo = values.min(), let hi = values.max(), hi > lo,
            points.contains(where: { $0.llmpp != nil || $0.student != nil })
        else {
            b.text(r.x, r.y, "predicted vs truth: no predictions yet", .dim, maxWidth: r.width)
            return
        }
        // A narrow scatter keeps its marks' key (the axes' words were cut before it at 120 columns).
        let key = keys(points, ascii: ascii)
        let title = "predicted ↑ vs truth → (" + key + ")"
        b.text(r.x, r.y, title.count <= r.width ? title : key, .dim, maxWidth: r.width)
        let plot = Rect(r.x + 6, r.y + 1, r.width - 6, r.height - 2)
        func col(_ v: Double) -> Int {
            plot.x + min(plot.width - 1, Int((v - lo) / (hi - lo) * Double(plot.width - 1) + 0.5))
        }
        func row(_ v: Double) -> Int {
            plot.y + plot.height - 1 - min(plot.height - 1, Int((v - lo) / (hi - lo) * Double(plot.height - 1) + 0.5))
        }
        for i in 0..<plot.width {
            let v = lo + (hi - lo) * Double(i) / Double(max(1, plot.width - 1))
            b.put(col(v), row(v), ascii ? "." : "·", .dim)
        }
        for p in points {
            if let s = p.student { b.put(col(p.truth), row(s), "+", Style(.distill, bold: true)) }
            if let l = p.llmpp { b.put(col(p.truth), row(l), ascii ? "o" : "●", Style(.accent, bold: true)) }
        }
        b.text(r.x, plot.y, Renderer.pad(String(format: "%.1f", hi), 5, right: true), .dim)
        b.text(r.x, plot.y + plot.height - 1, Renderer.pad(String(format: "%.1f", lo), 5, right: true), .dim)
        let axis = String(format: "%.1f", lo)
        let end = String(format: "%.1f", hi)
        b.text(plot.x, r.y + r.height - 1, axis, .dim)
        // Both ends only where they do not run together ("78.087.8").
        if plot.width > axis.count + end.count {
            b.text(plot.x + plot.width - end.count, r.y + r.height - 1, end, .dim)
        }
    }

    /// The marks the points use: a run without LLM-PP has no ● to name (it was named anyway).
    static func keys(_ points: [QualityPoint], ascii: Bool) -> String {
        let llmpp = points.contains { $0.llmpp != nil } ? [(ascii ? "o" : "●") + " LLM-PP"] : []
        let student = points.contains { $0.student != nil } ? ["+ student"] : []
        return (llmpp + student).joined(separator: ", ")
    }
}
