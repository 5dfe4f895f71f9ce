import Foundation
import LLMPPCore

/// Every key binding, generated from the key map (so it cannot drift), in one column when it
/// fits, else two; it scrolls (j/k, arrows, PgUp/PgDn, g/G) where even two do not fit (80x24
/// used to cut everything after `/`, the steering keys included).
enum HelpOverlay {
    /// Binding rows that fit at this size, the columns, and the rows in all.
    static func geometry(width: Int, height: Int) -> (visibleRows: Int, columns: Int, rows: Int) {
        let n = KeyMap.bindings.count
        let columns = n + 3 <= height - 2 || width < 100 ? 1 : 2
        let rows = (n + columns - 1) / columns
        return (max(1, min(height - 2, rows + 3) - 3), columns, rows)
    }

    /// The largest useful scroll offset at this size.
    static func maxScroll(width: Int, height: Int) -> Int {
        let g = geometry(width: width, height: height)
        return max(0, g.rows - g.visibleRows)
    }

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel) {
        let bindings = KeyMap.bindings
        let g = geometry(width: b.width, height: b.height)
        let w = min(b.width - 4, g.columns == 1 ? 76 : 150)
        let h = g.visibleRows + 3
        let x = (b.width - w) / 2
        let y = (b.height - h) / 2
        let colWidth = (w - 2) / g.columns
        let scroll = max(0, min(m.helpScroll, g.rows - g.visibleRows))
        let more = g.rows > g.visibleRows
        b.fill(x, y, w, h)
        let title = "keys (generated from the key map) · mouse: click selects, wheel scrolls · ? closes"
        b.box(Rect(x, y, w, h), title: title, focused: true, ascii: m.asciiOnly)
        if more {
            let where_ = String(
                format: "rows %d-%d of %d · j/k, PgUp/PgDn, g/G scroll", scroll + 1, scroll + g.visibleRows, g.rows)
            b.text(x + 2, y + h - 2, where_, Style(.dim), maxWidth: w - 4)
        }
        // Row-major: scrolling moves whole rows of both columns.
        for (i, k) in bindings.enumerated() {
            let row = i / g.columns - scroll
            guard row >= 0, row < g.visibleRows else { continue }
            let cx = x + 2 + (i % g.columns) * colWidth
            b.text(cx, y + 1 + row, Renderer.pad(k.label, 10), Style(.accent, bold: true))
            b.text(cx + 11, y + 1 + row, k.help, .normal, maxWidth: colWidth - 13)
        }
    }
}
