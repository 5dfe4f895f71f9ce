import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore

/// The LLM calls pane: every request with its status, latency and answer.
enum CallsPane {
    /// The columns that fit in `width`, whole: a cut one read as another value ("3" of "3546 ms",
    /// "89." of 89.50). The arch column narrows (its id cut with "…") before the value goes.
    static func columns(width: Int) -> [(title: String, width: Int, right: Bool)] {
        let arch = max(7, min(13, width - 7 - 9 - 7))
        let all = [
            ("call", 7, false), ("status", 9, false), ("arch", arch, false), ("value", 7, true), ("tokens", 12, true),
            ("ms", 7, true),
        ]
        var used = 0
        return Array(
            all.prefix { column in
                used += column.1
                return used <= width
            })
    }

    /// Cells padded to their columns; a cell wider than its column keeps its start and a "…".
    static func row(_ cells: [String], _ columns: [(title: String, width: Int, right: Bool)]) -> String {
        zip(cells, columns).map { cell, c in
            let text = cell.count >= c.width ? Renderer.elided(cell, c.width - 1) + " " : cell
            return Renderer.pad(text, c.width, right: c.right)
        }.joined()
    }

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let columns = columns(width: r.width)
        b.text(r.x, r.y, row(columns.map(\.title), columns), Style(.title, bold: true), maxWidth: r.width)
        let calls = m.visibleCalls
        if calls.isEmpty {
            b.text(
                r.x, r.y + 1,
                emptyText(m),
                .dim, maxWidth: r.width)
            return
        }
        let top = m.callsTop(rows: r.height - 1)
        // The selected call stays put as newer ones arrive above it: said at the header's end
        // (a new user saw the list start at #40 of 45 and nothing said the rest were above).
        if top > 0 {
            let mark = "\(m.asciiOnly ? "^" : "↑") \(top) newer (g)"
            b.text(r.x + max(0, r.width - mark.count), r.y, mark, Style(.accent, bold: true), maxWidth: r.width)
        }
        for i in 0..<max(0, r.height - 1) {
            let idx = top + i
            guard calls.indices.contains(idx) else { break }
            let c = calls[idx]
            let role: Role = c.status == .ok ? .good : (c.status == .error ? .bad : .warning)
            let sel = idx == m.selectedCall
            let line = row(
                [
                    "#\(c.id)", status(c, m), c.archID ?? "-", Renderer.num(c.parsedValue),
                    "\(c.tokensIn ?? 0)+\(c.tokensOut ?? 0)", String(format: "%.0f", c.latencyMs),
                ], columns)
            b.text(
                r.x, r.y + 1 + i, Renderer.pad(line, r.width),
                sel ? Style(.selection, bold: m.focus == .calls) : Style(role), maxWidth: r.width)
        }
    }

    /// Why the list is empty: a filter that matches none (it said "no calls yet" beside six
    /// calls), a run that asks no LLM, or one that has asked nothing yet.
    static func emptyText(_ m: ExplorerModel) -> String {
        if let f = m.callStatusFilter, !m.calls.isEmpty {
            return "no \(f.rawValue) calls among \(m.calls.count) (f changes the filter)"
        }
        if m.config.labels == 0 && !m.config.evaluateLLM { return "this run asks no LLM (0 labels)" }
        let cached = m.state.counters.cachedAnswers
        return cached > 0 ? "no calls yet (\(cached) answer\(cached == 1 ? "" : "s") from the cache)" : "no calls yet"
    }

    /// "cached" for a call another run paid for, whose answer this run reused.
    static func status(_ c: CallRecord, _ m: ExplorerModel) -> String {
        c.run == m.runID ? c.status.rawValue : "cached"
    }
}
