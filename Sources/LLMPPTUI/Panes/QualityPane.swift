import Foundation
import LLMPPCore

/// MAE and Kendall of LLM-PP, LLM-Distill-PP, the baselines and references on the test split,
/// and the distillation loss curve as a sparkline.
enum QualityPane {
    static let blocks: [Unicode.Scalar] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func sparkline(_ values: [Double], width: Int, ascii: Bool) -> String {
        guard !values.isEmpty, width > 0 else { return "" }
        // Bucket means so the whole curve fits.
        let n = min(width, values.count)
        let buckets = (0..<n).map { i -> Double in
            let a = i * values.count / n
            let z = max(a + 1, (i + 1) * values.count / n)
            return values[a..<z].reduce(0, +) / Double(z - a)
        }
        let lo = buckets.min()!
        let hi = buckets.max()!
        let chars: [Unicode.Scalar] = ascii ? ["_", ".", "-", "~", "=", "+", "*", "#"] : blocks
        return String(
            String.UnicodeScalarView(
                buckets.map { v in
                    chars[hi - lo < 1e-12 ? 0 : min(7, Int((v - lo) / (hi - lo) * 7.999))]
                }))
    }

    /// Width of the MAE/Kendall table; a scatter fills what is left of the pane.
    static let tableWidth = 46

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        var y = r.y
        let scatterWidth = r.width - tableWidth - 1
        if scatterWidth >= QualityScatter.minWidth {
            QualityScatter.draw(
                &b, m.qualityPoints, Rect(r.x + tableWidth + 1, r.y, scatterWidth, r.height - 1), ascii: m.asciiOnly)
        }
        let r = scatterWidth >= QualityScatter.minWidth ? Rect(r.x, r.y, tableWidth, r.height) : r
        let metric = m.quality.first { $0.0 == "valid" } ?? m.quality.first
        if let (name, list) = metric, !list.isEmpty {
            b.text(
                r.x, y,
                Renderer.pad("\(name) \(m.metric), split \(m.config.splitSeed)", 29)
                    + Renderer.pad("MAE", 8, right: true) + Renderer.pad("Kendall", 9, right: true),
                Style(.title, bold: true), maxWidth: r.width)
            y += 1
            for q in list where y < r.y + r.height - 2 {
                let role: Role =
                    q.name.hasPrefix("LLM-Distill") ? .distill : (q.name.hasPrefix("LLM-PP") ? .accent : .normal)
                let name = q.name.replacingOccurrences(of: "(demonstrations)", with: "(demos)")
                b.text(
                    r.x, y,
                    Renderer.pad(name, 29) + Renderer.pad(Renderer.num(q.maeMean), 8, right: true)
                        + Renderer.pad(Renderer.num(q.kendallMean), 9, right: true), Style(role), maxWidth: r.width)
                y += 1
            }
        } else {
            b.text(
                r.x, y, "quality appears once the student is trained (test split \(m.config.splitSeed))", .dim,
                maxWidth: r.width)
            y += 1
        }
        let lossY = r.y + r.height - 1
        if m.state.lossCurve.isEmpty {
            let trained =
                (m.state.phase == .search || m.state.phase == .done) && m.config.labels > 0
                && m.state.trainingStep >= m.config.firstTrainingSteps
            b.text(
                r.x, lossY,
                trained
                    ? "distillation: the same student was trained before (from the cache)"
                    : "distillation loss: not trained yet",
                .dim, maxWidth: r.width)
        } else {
            let label = String(format: "loss %.4f ", m.state.lossCurve.last!)
            let n = b.text(r.x, lossY, label, .dim)
            b.text(
                r.x + n, lossY, sparkline(m.state.lossCurve, width: r.width - n, ascii: m.asciiOnly), Style(.distill),
                maxWidth: r.width - n)
        }
    }
}

enum HelpOverlay {
    /// Every binding, in one column when it fits, else two.
    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel) {
        let rows = KeyMap.bindings
        let columns = rows.count + 3 <= b.height - 2 ? 1 : 2
        let perColumn = (rows.count + columns - 1) / columns
        let w = min(b.width - 4, columns == 1 ? 76 : 150)
        let h = min(b.height - 2, perColumn + 3)
        let x = (b.width - w) / 2
        let y = (b.height - h) / 2
        let colWidth = (w - 2) / columns
        b.fill(x, y, w, h)
        b.box(
            Rect(x, y, w, h),
            title: "keys (generated from the key map) · mouse: click selects, wheel scrolls · ? closes", focused: true,
            ascii: m.asciiOnly)
        for (i, k) in rows.enumerated() {
            let col = i / perColumn
            let row = i % perColumn
            guard row < h - 3 else { continue }
            let cx = x + 2 + col * colWidth
            b.text(cx, y + 1 + row, Renderer.pad(k.label, 10), Style(.accent, bold: true))
            b.text(cx + 11, y + 1 + row, k.help, .normal, maxWidth: colWidth - 13)
        }
    }
}

enum DetailOverlay {
    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel) {
        guard let c = m.selected else { return }
        let w = min(b.width - 6, 90)
        let h = min(b.height - 4, 24)
        let x = (b.width - w) / 2
        let y = (b.height - h) / 2
        b.fill(x, y, w, h)
        b.box(Rect(x, y, w, h), title: "architecture \(c.id) · Esc closes", focused: true, ascii: m.asciiOnly)
        var lines: [(String, Role)] = [
            (
                String(
                    format: "gen %d · fitness %.3f by %@ · distill %@ · expensive %@ · truth %@", c.generation, c.score,
                    c.source == .distill ? "LLM-Distill-PP" : "the expensive evaluator", Renderer.num(c.distill),
                    Renderer.num(c.expensive), Renderer.num(c.truth)), .title
            ),
            (
                String(
                    format: "latency %@ ms · %.3f GFLOPs · %.2fM params%@", Renderer.num(c.latencyMs, 1), c.gflops,
                    c.params / 1e6, c.pinned ? " · pinned" : ""), .dim
            ),
        ]
        lines += m.archText.map { ($0, Role.normal) }
        let related = m.calls.filter { $0.archID == c.id }
        lines.append(
            (
                "LLM calls about it: \(related.isEmpty ? "none" : related.map { "#\($0.id) \($0.status.rawValue) \(Renderer.num($0.parsedValue))" }.joined(separator: ", "))",
                .accent
            ))
        for (i, (t, role)) in lines.prefix(h - 2).enumerated() {
            b.text(x + 2, y + 1 + i, t, Style(role), maxWidth: w - 4)
        }
    }
}
