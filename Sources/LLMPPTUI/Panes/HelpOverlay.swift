import Foundation
import LLMPPCore

/// Every key binding, generated from the key map (so it cannot drift), word-wrapped in one
/// column, or two where the screen is wide and everything fits; it scrolls by line (j/k,
/// arrows, PgUp/PgDn, g/G) where it does not fit (80x24 used to cut everything after `/`),
/// `/` filters it, and a key that cannot act now says why on a line of its own below it (the
/// reasons used to be cut at the box's edge at 80 columns).
enum HelpOverlay {
    /// One drawn line: a key's label on its first line only, its description or why it
    /// cannot act now (`reason`, dimmed).
    struct Line: Equatable {
        var label: String?
        var text: String
        var reason: Bool
        var enabled: Bool
    }

    /// Where and how help is drawn at this size, and which lines it holds.
    struct Geometry {
        var box: Rect
        var columns: Int
        /// Lines per column (the first column's; the second holds the rest).
        var rows: Int
        var visibleRows: Int
        /// Each column's lines, in order.
        var columnLines: [[Line]]
        var lineCount: Int { columnLines.reduce(0) { $0 + $1.count } }
        var maxScroll: Int { max(0, rows - visibleRows) }
    }

    static let labelWidth = 11

    /// The bindings' lines wrapped to `width` text columns.
    static func lines(_ m: ExplorerModel, _ bindings: [Binding], width: Int) -> [Line] {
        var out: [Line] = []
        for k in bindings {
            let why = k.disabledReason(m)
            for (i, t) in PromptPane.wrap(k.help, max(8, width)).enumerated() {
                out.append(Line(label: i == 0 ? k.label : nil, text: t, reason: false, enabled: why == nil))
            }
            if let why {
                for t in PromptPane.wrap("now: " + why, max(8, width - 2)) {
                    out.append(Line(label: nil, text: "  " + t, reason: true, enabled: false))
                }
            }
        }
        return out
    }

    static func geometry(_ m: ExplorerModel, _ view: HelpView, width: Int, height: Int) -> Geometry {
        func columnsOf(_ n: Int, boxWidth w: Int) -> (colWidth: Int, all: [Line], shown: [Line]) {
            let colWidth = (w - 2) / n
            let text = colWidth - labelWidth - 3
            return (colWidth, lines(m, KeyMap.bindings, width: text), lines(m, view.bindings, width: text))
        }
        var w = min(width - 4, 96)
        var cols = 1
        var c = columnsOf(1, boxWidth: w)
        // Two columns only where the screen is wide and one column would not fit.
        if width >= 100 && c.all.count + 4 > height - 2 {
            cols = 2
            w = min(width - 4, 150)
            c = columnsOf(2, boxWidth: w)
        }
        // Sized for the whole list, so the box does not jump while the filter is typed.
        let fullRows = cols == 1 ? c.all.count : split(c.all).0.count
        let visible = max(1, min(height - 2, fullRows + 4) - 4)
        let h = visible + 4
        let box = Rect((width - w) / 2, (height - h) / 2, w, h)
        let columnLines =
            cols == 1
            ? [c.shown]
            : {
                let s = split(c.shown)
                return [s.0, s.1]
            }()
        return Geometry(
            box: box, columns: cols, rows: columnLines[0].count, visibleRows: visible, columnLines: columnLines)
    }

    /// Halves at a key's first line, so that no key is split between the columns.
    static func split(_ lines: [Line]) -> ([Line], [Line]) {
        var at = (lines.count + 1) / 2
        while at < lines.count && lines[at].label == nil { at += 1 }
        return (Array(lines[..<at]), Array(lines[at...]))
    }

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ view: HelpView) {
        let g = geometry(m, view, width: b.width, height: b.height)
        let r = g.box
        let colWidth = (r.width - 2) / g.columns
        let scroll = max(0, min(view.scroll, g.maxScroll))
        b.fill(r.x, r.y, r.width, r.height)
        // Esc and ? first: at 80 columns the end of a longer title was cut, and with it how to close.
        let title = "keys · ? or Esc closes · mouse: click selects, wheel scrolls"
        b.box(r, title: title, focused: true, ascii: m.asciiOnly)
        let filterLine =
            view.editingFilter || !view.filter.isEmpty
            ? "/\(view.filter)\(view.editingFilter ? "▏" : "") · \(view.bindings.count) of \(KeyMap.bindings.count) keys · Esc clears"
            : "/ filters"
        var footer = filterLine
        if g.rows > g.visibleRows {
            footer += String(
                format: " · lines %d-%d of %d · j/k, PgUp/PgDn, g/G scroll", scroll + 1, scroll + g.visibleRows,
                g.rows)
        }
        b.text(r.x + 2, r.y + r.height - 2, footer, Style(view.editingFilter ? .accent : .dim), maxWidth: r.width - 4)
        for (ci, column) in g.columnLines.enumerated() {
            let cx = r.x + 2 + ci * colWidth
            for (row, line) in column.dropFirst(scroll).prefix(g.visibleRows).enumerated() {
                let y = r.y + 1 + row
                if let label = line.label {
                    b.text(
                        cx, y, Renderer.pad(label, labelWidth - 1),
                        Style(line.enabled ? .accent : .dim, bold: line.enabled))
                }
                b.text(cx + labelWidth, y, line.text, line.reason ? .dim : .normal, maxWidth: colWidth - labelWidth - 2)
            }
        }
        if view.bindings.isEmpty {
            b.text(r.x + 2, r.y + 1, "no key matches /\(view.filter)", .dim, maxWidth: r.width - 4)
        }
    }
}
