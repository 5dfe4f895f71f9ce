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
