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

enum CallsPane {
    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        b.text(
            r.x, r.y,
            Renderer.pad("call", 7) + Renderer.pad("status", 9) + Renderer.pad("arch", 13)
                + Renderer.pad("value", 7, right: true)
                + Renderer.pad("tokens", 12, right: true) + Renderer.pad("ms", 7, right: true),
            Style(.title, bold: true), maxWidth: r.width)
        let calls = m.visibleCalls
        if calls.isEmpty {
            b.text(
                r.x, r.y + 1,
                m.config.labels == 0 && !m.config.evaluateLLM ? "this run asks no LLM (0 labels)" : "no calls yet",
                .dim, maxWidth: r.width)
            return
        }
        for i in 0..<max(0, r.height - 1) {
            let idx = m.callScroll + i
            guard calls.indices.contains(idx) else { break }
            let c = calls[idx]
            let role: Role = c.status == .ok ? .good : (c.status == .error ? .bad : .warning)
            let sel = idx == m.selectedCall
            let line =
                Renderer.pad("#\(c.id)", 7) + Renderer.pad(c.status.rawValue, 9) + Renderer.pad(c.archID ?? "-", 13)
                + Renderer.pad(Renderer.num(c.parsedValue), 7, right: true)
                + Renderer.pad("\(c.tokensIn ?? 0)+\(c.tokensOut ?? 0)", 12, right: true)
                + Renderer.pad(String(format: "%.0f", c.latencyMs), 7, right: true)
            b.text(
                r.x, r.y + 1 + i, Renderer.pad(line, r.width),
                sel ? Style(.selection, bold: m.focus == .calls) : Style(role), maxWidth: r.width)
        }
    }
}
