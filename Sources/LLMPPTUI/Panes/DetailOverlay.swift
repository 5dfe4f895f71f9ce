import Foundation
import LLMPPCore

/// The selected architecture: its scores, efficiency, configuration and LLM calls.
enum DetailOverlay {
    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel) {
        guard let c = m.selected else { return }
        let w = min(b.width - 6, 90)
        let h = min(b.height - 4, 24)
        let x = (b.width - w) / 2
        let y = (b.height - h) / 2
        b.fill(x, y, w, h)
        b.box(Rect(x, y, w, h), title: "architecture \(c.id) · Esc closes", focused: true, ascii: m.asciiOnly)
        // Parts joined where they fit (one long line lost its truth at 90 columns).
        let width = w - 4
        let scores = DistributionChart.wrapParts(
            [
                "gen \(c.generation)",
                String(format: "fitness %.3f by ", c.score) + c.source.predictorName,
                "LLM-Distill-PP \(Renderer.num(c.distill))", "expensive \(Renderer.num(c.expensive))",
                "truth \(Renderer.num(c.truth))",
            ], width: width)
        let efficiency = DistributionChart.wrapParts(
            [
                "latency \(Renderer.num(c.latencyMs, 1)) ms", String(format: "%.3f GFLOPs", c.gflops),
                String(format: "%.2fM params", c.params / 1e6),
            ] + (m.isPinned(c) ? ["pinned"] : [])
                // Said like pinned (the table marks it x; the detail said nothing).
                + (m.state.banned.contains(c.id) ? ["banned: the next population leaves it out"] : []), width: width)
        let related = m.calls.filter { $0.archID == c.id }
        let calls =
            "LLM calls about it: "
            + (related.isEmpty
                ? "none"
                : related.map { "#\($0.id) \(CallsPane.status($0, m)) \(Renderer.num($0.parsedValue))" }.joined(
                    separator: ", "))
        let lines: [(String, Role)] =
            scores.map { ($0, .title) } + efficiency.map { ($0, .dim) } + m.archText.map { ($0, .normal) }
            + PromptPane.wrap(calls, width).map { ($0, .accent) }
        for (i, (t, role)) in lines.prefix(h - 2).enumerated() {
            b.text(x + 2, y + 1 + i, t, Style(role), maxWidth: width)
        }
    }
}
