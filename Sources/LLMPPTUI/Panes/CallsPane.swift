import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore

/// The LLM calls pane: every request with its status, latency and answer.
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
                emptyText(m),
                .dim, maxWidth: r.width)
            return
        }
        let top = m.callsTop(rows: r.height - 1)
        for i in 0..<max(0, r.height - 1) {
            let idx = top + i
            guard calls.indices.contains(idx) else { break }
            let c = calls[idx]
            let role: Role = c.status == .ok ? .good : (c.status == .error ? .bad : .warning)
            let sel = idx == m.selectedCall
            let line =
                Renderer.pad("#\(c.id)", 7) + Renderer.pad(status(c, m), 9) + Renderer.pad(c.archID ?? "-", 13)
                + Renderer.pad(Renderer.num(c.parsedValue), 7, right: true)
                + Renderer.pad("\(c.tokensIn ?? 0)+\(c.tokensOut ?? 0)", 12, right: true)
                + Renderer.pad(String(format: "%.0f", c.latencyMs), 7, right: true)
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
