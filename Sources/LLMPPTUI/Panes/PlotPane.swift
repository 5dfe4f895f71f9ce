import Foundation
import LLMPPCore
import LLMPPEngine

/// Predicted score (y) against latency (x) of every generation so far, in braille dots
/// (2x4 per cell); the current Pareto front as a line, the constraint as a vertical line,
/// the selected architecture highlighted, the switch moment in the title.
enum PlotPane {
    static let braille: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let points = m.history.flatMap { $0 }
        guard r.width > 12, r.height > 4 else { return }
        guard !points.isEmpty else {
            b.text(r.x + 1, r.y + r.height / 2, "no population yet: \(m.state.phase == .search ? "scoring generation 0" : "the search starts after \(m.state.phase.rawValue)")", .dim, maxWidth: r.width - 2)
            return
        }
        let usesLatency = points.contains { $0.latencyMs != nil }
        func xval(_ c: Candidate) -> Double { c.latencyMs ?? c.gflops }
        let limit = usesLatency ? m.config.constraint.latencyMs : m.config.constraint.gflops
        var xs = points.map(xval), ys = points.map(\.score)
        if let limit { xs.append(limit) }
        var (xmin, xmax) = (xs.min()!, xs.max()!), (ymin, ymax) = (ys.min()!, ys.max()!)
        if xmax - xmin < 1e-9 { xmin -= 1; xmax += 1 }
        if ymax - ymin < 1e-9 { ymin -= 1; ymax += 1 }
        let labelW = 7
        let plot = Rect(r.x + labelW, r.y, r.width - labelW, r.height - 2)
        let dw = plot.width * 2, dh = plot.height * 4
        func dot(_ x: Double, _ y: Double) -> (Int, Int) {
            (Int(((x - xmin) / (xmax - xmin) * Double(dw - 1)).rounded()), Int(((1 - (y - ymin) / (ymax - ymin)) * Double(dh - 1)).rounded()))
        }
        var bits = [UInt32](repeating: 0, count: plot.width * plot.height)
        var roles = [Role](repeating: .dim, count: plot.width * plot.height)
        func set(_ dx: Int, _ dy: Int, _ role: Role) {
            guard dx >= 0, dy >= 0, dx < dw, dy < dh else { return }
            let i = (dy / 4) * plot.width + dx / 2
            bits[i] |= braille[dx % 2][dy % 4]
            roles[i] = role
        }
        let gens = max(1, m.config.evolution.iterations)
        let genRoles: [Role] = [.gen0, .gen1, .gen2, .gen3, .gen4, .gen5]
        for c in points {
            let (dx, dy) = dot(xval(c), c.score)
            let role: Role = m.colorBy == .predictor ? (c.source == .distill ? .distill : .expensive)
                : genRoles[min(genRoles.count - 1, c.generation * genRoles.count / gens)]
            set(dx, dy, role)
        }
        // The front: straight segments between consecutive points (Bresenham on the dot grid).
        let front = m.pareto.sorted { xval($0) < xval($1) }
        for (a, c) in zip(front, front.dropFirst()) {
            var (x0, y0) = dot(xval(a), a.score)
            let (x1, y1) = dot(xval(c), c.score)
            let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
            let ddx = abs(x1 - x0), ddy = -abs(y1 - y0)
            var err = ddx + ddy
            while true {
                set(x0, y0, .pareto)
                if x0 == x1 && y0 == y1 { break }
                let e2 = 2 * err
                if e2 >= ddy { err += ddy; x0 += sx }
                if e2 <= ddx { err += ddx; y0 += sy }
            }
        }
        for p in front { let (dx, dy) = dot(xval(p), p.score); set(dx, dy, .pareto) }
        let constraintCol = limit.map { dot($0, ymin).0 / 2 }
        for cy in 0..<plot.height {
            for cx in 0..<plot.width {
                let i = cy * plot.width + cx
                if bits[i] != 0 {
                    let ch: Unicode.Scalar = m.asciiOnly ? (roles[i] == .pareto ? "o" : "*") : Unicode.Scalar(0x2800 + bits[i])!
                    b.put(plot.x + cx, plot.y + cy, ch, Style(roles[i], bold: roles[i] == .pareto))
                } else if cx == constraintCol {
                    b.put(plot.x + cx, plot.y + cy, m.asciiOnly ? "|" : "│", Style(.constraint))
                }
            }
        }
        if let sel = m.selected {
            let (dx, dy) = dot(xval(sel), sel.score)
            b.put(plot.x + dx / 2, plot.y + dy / 4, m.asciiOnly ? "@" : "◆", Style(.selection, bold: true))
        }
        // Axes: score ticks on the left, latency ticks below, units named.
        for (i, frac) in [1.0, 0.5, 0.0].enumerated() {
            let v = ymin + (ymax - ymin) * frac
            let y = plot.y + Int((1 - frac) * Double(plot.height - 1))
            b.text(r.x, y, Renderer.pad(Renderer.num(v, v.magnitude >= 100 ? 0 : 2), labelW - 1, right: true), .dim)
            _ = i
        }
        let axisY = plot.y + plot.height
        for frac in [0.0, 0.5, 1.0] {
            let v = xmin + (xmax - xmin) * frac
            let s = Renderer.num(v, usesLatency ? 1 : 2)
            let x = plot.x + Int(frac * Double(plot.width - 1)) - (frac == 1 ? s.count - 1 : frac == 0.5 ? s.count / 2 : 0)
            b.text(x, axisY, s, .dim)
        }
        let unit = usesLatency ? "ms \(m.config.constraint.hardware ?? "")" : "GFLOPs"
        var legend = "x \(unit) · y \(m.metric)"
        if let s = m.state.switchReachedAt { legend += " · switched at gen \(s)" } else { legend += " · switch at gen \(m.config.switchAt)" }
        let lx = b.text(r.x, axisY + 1, legend, Style(m.state.switchReachedAt != nil ? .switchMark : .dim), maxWidth: r.width)
        if lx + 24 < r.width {
            var x = r.x + lx + 2
            x += b.text(x, axisY + 1, m.asciiOnly ? "o" : "━", Style(.pareto, bold: true)); x += b.text(x, axisY + 1, " front ", .dim)
            if limit != nil { x += b.text(x, axisY + 1, m.asciiOnly ? "|" : "│", Style(.constraint)); b.text(x, axisY + 1, " constraint", .dim) }
        }
    }
}
