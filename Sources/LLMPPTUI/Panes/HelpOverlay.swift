import Foundation
import LLMPPCore

/// Every key binding, generated from the key map (so it cannot drift), in one column when it
/// fits, else two; it scrolls (j/k, arrows, PgUp/PgDn, g/G) where even two do not fit (80x24
/// used to cut everything after `/`, the steering keys included), `/` filters it, and a key
/// that cannot act now says why beside it.
enum HelpOverlay {
    /// Rows that fit at this size for `rows` bindings, the columns, and the rows in all.
    static func geometry(rows n: Int = KeyMap.bindings.count, width: Int, height: Int) -> (
        visibleRows: Int, columns: Int, rows: Int
    ) {
        let columns = n + 4 <= height - 2 || width < 100 ? 1 : 2
        let rows = (n + columns - 1) / columns
        return (max(1, min(height - 2, rows + 4) - 4), columns, rows)
    }

    /// The largest useful scroll offset at this size.
    static func maxScroll(rows n: Int = KeyMap.bindings.count, width: Int, height: Int) -> Int {
        let g = geometry(rows: n, width: width, height: height)
        return max(0, g.rows - g.visibleRows)
    }

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ view: HelpView) {
        let bindings = view.bindings
        // Sized for the whole list, so the box does not jump while the filter is typed.
        let full = geometry(width: b.width, height: b.height)
        let g = geometry(rows: bindings.count, width: b.width, height: b.height)
        let w = min(b.width - 4, full.columns == 1 ? 96 : 150)
        let h = full.visibleRows + 4
        let x = (b.width - w) / 2
        let y = (b.height - h) / 2
        let colWidth = (w - 2) / g.columns
        let scroll = max(0, min(view.scroll, g.rows - g.visibleRows))
        b.fill(x, y, w, h)
        let title = "keys (generated from the key map) · mouse: click selects, wheel scrolls · ? closes"
        b.box(Rect(x, y, w, h), title: title, focused: true, ascii: m.asciiOnly)
        let filterLine =
            view.editingFilter || !view.filter.isEmpty
            ? "/\(view.filter)\(view.editingFilter ? "▏" : "") · \(bindings.count) of \(KeyMap.bindings.count) keys · Esc clears"
            : "/ filters"
        var footer = filterLine
        if g.rows > g.visibleRows {
            footer += String(
                format: " · rows %d-%d of %d · j/k, PgUp/PgDn, g/G scroll", scroll + 1, scroll + g.visibleRows, g.rows)
        }
        b.text(x + 2, y + h - 2, footer, Style(view.editingFilter ? .accent : .dim), maxWidth: w - 4)
        // Row-major: scrolling moves whole rows of both columns.
        for (i, k) in bindings.enumerated() {
            let row = i / g.columns - scroll
            guard row >= 0, row < g.visibleRows else { continue }
            let cx = x + 2 + (i % g.columns) * colWidth
            let why = k.disabledReason(m)
            b.text(cx, y + 1 + row, Renderer.pad(k.label, 10), Style(why == nil ? .accent : .dim, bold: why == nil))
            let n = b.text(cx + 11, y + 1 + row, k.help, .normal, maxWidth: colWidth - 13)
            if let why { b.text(cx + 11 + n, y + 1 + row, " (now: \(why))", .dim, maxWidth: colWidth - 13 - n) }
        }
        if bindings.isEmpty { b.text(x + 2, y + 1, "no key matches /\(view.filter)", .dim, maxWidth: w - 4) }
    }
}
