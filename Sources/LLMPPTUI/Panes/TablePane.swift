import Foundation
import LLMPPCore
import LLMPPEngine

enum TablePane {
    static let columns: [(SortColumn, String, Int)] = [
        (.id, "id", 13), (.generation, "gen", 4), (.score, "score", 7), (.source, "by", 3), (.expensive, "expens.", 8),
        (.truth, "truth", 7), (.latency, "lat ms", 8), (.gflops, "GFLOPs", 7), (.params, "params", 7),
    ]

    /// A row's texts; the id marked `*` when pinned and `x` when banned (it stays listed until
    /// the next population is built without it, and had no mark).
    static func cells(_ c: Candidate, pinned: Bool = false, banned: Bool = false) -> [String] {
        [
            (pinned ? "*" : banned ? "x" : "") + c.id, "\(c.generation)", Renderer.num(c.score),
            c.source == .distill ? "D" : "E",
            Renderer.num(c.expensive),
            Renderer.num(c.truth), Renderer.num(c.latencyMs, 1), Renderer.num(c.gflops, 3),
            String(format: "%.1fM", c.params / 1e6),
        ]
    }

    /// The columns shown in `width`: the id always (frozen at the left), then as many of the
    /// others as fit, scrolled sideways just enough to show the sort column (h and l move it),
    /// so a narrow pane never hides the column the table is sorted by.
    static func visibleColumns(sort: SortColumn, width: Int) -> (indices: [Int], hiddenLeft: Bool, hiddenRight: Bool) {
        let rest = Array(columns.indices.dropFirst())
        let room = width - columns[0].2 - 1
        /// The columns from `start` on that fit side by side, up to the first that does not.
        func fits(from start: Int) -> [Int] {
            var out: [Int] = []
            var left = room
            for i in rest[start...] {
                guard left >= columns[i].2 else { break }
                out.append(i)
                left -= columns[i].2 + 1
            }
            return out
        }
        let target = rest.firstIndex { columns[$0].0 == sort } ?? 0
        var start = 0
        while start < target && !fits(from: start).contains(rest[target]) { start += 1 }
        let shown = fits(from: start)
        return ([0] + shown, start > 0, (shown.last ?? 0) < rest[rest.count - 1])
    }

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let view = visibleColumns(sort: m.sort, width: r.width)
        var x = r.x
        for i in view.indices {
            let (col, name, w) = columns[i]
            let mark = m.sort == col ? (m.sortAscending ? "▲" : "▼") : ""
            b.text(
                x, r.y, Renderer.pad(name + mark, w, right: col != .id),
                Style(m.sort == col ? .accent : .title, bold: true), maxWidth: r.x + r.width - x)
            x += w + 1
        }
        // Columns off to either side are said, with the keys that bring them.
        if view.hiddenLeft { b.text(r.x + columns[0].2, r.y, m.asciiOnly ? "<" : "◀", Style(.accent, bold: true)) }
        if view.hiddenRight {
            b.text(r.x + r.width - 1, r.y, m.asciiOnly ? ">" : "▶", Style(.accent, bold: true))
        }
        let rows = m.tableRows
        if rows.isEmpty {
            b.paragraph(
                r.x, r.y + 2,
                m.population.isEmpty
                    ? "the population appears with the first generation" : "no row matches /\(m.filter)", .dim,
                width: r.width, maxLines: max(1, r.height - 2))
            return
        }
        for i in 0..<max(0, r.height - 1) {
            let idx = m.tableScroll + i
            guard rows.indices.contains(idx) else { break }
            drawRow(
                &b, m, rows[idx], selected: idx == m.selectedRow, columns: view.indices, x: r.x, y: r.y + 1 + i,
                right: r.x + r.width)
        }
    }

    static func drawRow(
        _ b: inout CellBuffer, _ m: ExplorerModel, _ c: Candidate, selected: Bool, columns shown: [Int], x: Int, y: Int,
        right: Int
    ) {
        let banned = m.state.banned.contains(c.id)
        let pinned = m.isPinned(c)
        let texts = cells(c, pinned: pinned, banned: banned)
        var cx = x
        for i in shown {
            let (col, _, w) = columns[i]
            var role: Role = .normal
            if col == .source { role = c.source == .distill ? .distill : .expensive }
            if col == .id && pinned { role = .accent }
            if col == .id && banned { role = .bad }
            let st = selected ? Style(.selection, bold: m.focus == .population) : Style(role)
            b.text(cx, y, Renderer.pad(texts[i], w, right: col != .id) + " ", st, maxWidth: right - cx)
            cx += w + 1
        }
    }
}
