import Foundation
import LLMPPCore
import LLMPPEngine

enum TablePane {
    static let columns: [(SortColumn, String, Int)] = [
        (.id, "id", 13), (.generation, "gen", 4), (.score, "score", 7), (.source, "by", 3), (.expensive, "expens.", 8),
        (.truth, "truth", 7), (.latency, "lat ms", 8), (.gflops, "GFLOPs", 7), (.params, "params", 7),
    ]

    static func cells(_ c: Candidate) -> [String] {
        [
            (c.pinned ? "*" : "") + c.id, "\(c.generation)", Renderer.num(c.score), c.source == .distill ? "D" : "E",
            Renderer.num(c.expensive),
            Renderer.num(c.truth), Renderer.num(c.latencyMs, 1), Renderer.num(c.gflops, 3),
            String(format: "%.1fM", c.params / 1e6),
        ]
    }

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        var x = r.x
        for (col, name, w) in columns where x < r.x + r.width {
            let mark = m.sort == col ? (m.sortAscending ? "▲" : "▼") : ""
            b.text(
                x, r.y, Renderer.pad(name + mark, w, right: col != .id),
                Style(m.sort == col ? .accent : .title, bold: true), maxWidth: r.x + r.width - x)
            x += w + 1
        }
        let rows = m.tableRows
        if rows.isEmpty {
            b.text(
                r.x, r.y + 2,
                m.population.isEmpty
                    ? "the population appears with the first generation" : "no row matches /\(m.filter)", .dim,
                maxWidth: r.width)
            return
        }
        for i in 0..<max(0, r.height - 1) {
            let idx = m.tableScroll + i
            guard rows.indices.contains(idx) else { break }
            let c = rows[idx]
            let selected = idx == m.selectedRow
            var cx = r.x
            for ((col, _, w), text) in zip(columns, cells(c)) where cx < r.x + r.width {
                var role: Role = .normal
                if col == .source { role = c.source == .distill ? .distill : .expensive }
                if col == .id && c.pinned { role = .accent }
                let st = selected ? Style(.selection, bold: m.focus == .population) : Style(role)
                b.text(
                    cx, r.y + 1 + i, Renderer.pad(text, w, right: col != .id) + " ", st, maxWidth: r.x + r.width - cx)
                cx += w + 1
            }
        }
    }
}
