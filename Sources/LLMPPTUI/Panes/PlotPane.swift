import Foundation
import LLMPPCore
import LLMPPEngine

/// A score (y, per the y-mode: the one the search used, the student's, the expensive one or
/// the truth) against latency (x) of every generation so far, in braille dots (2x4 per cell);
/// the current Pareto front as a line, the constraint as a dashed vertical line, outliers
/// clipped to the edge with a mark, the selected architecture highlighted, and a strip of
/// generation colours with the switch point on it.
enum PlotPane {
    static let braille: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let all = m.history.flatMap { $0 }
        let points = all.filter { m.plotY.value($0) != nil }
        func yval(_ c: Candidate) -> Double { m.plotY.value(c)! }
        guard r.width > 12, r.height > 4 else { return }
        guard !points.isEmpty else {
            if !all.isEmpty {
                b.text(
                    r.x + 1, r.y + r.height / 2,
                    "no \(m.plotY.label) for these architectures yet: v changes the y-axis", .dim, maxWidth: r.width - 2
                )
                return
            }
            b.text(
                r.x + 1, r.y + r.height / 2,
                "no population yet: \(m.state.phase == .search ? "scoring generation 0" : "the search starts after \(m.state.phase.rawValue)")",
                .dim, maxWidth: r.width - 2)
            return
        }
        guard let geo = PlotGeometry(m, r) else { return }
        let (plot, ymin, ymax, limit, usesLatency) = (geo.plot, geo.ymin, geo.ymax, geo.limit, geo.usesLatency)
        let (xmin, xmax) = (geo.xmin, geo.xmax)
        let labelW = PlotGeometry.labelWidth
        func xval(_ c: Candidate) -> Double { geo.x(c) }
        func clamp(_ y: Double) -> Double { geo.clamp(y) }
        func dot(_ x: Double, _ y: Double) -> (Int, Int) { geo.dot(x, y) }
        let (dw, dh) = (geo.dotWidth, geo.dotHeight)
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
        var clipped: [(Int, Int, Bool)] = []
        for c in points {
            let y = yval(c)
            if y < ymin || y > ymax {
                clipped.append((dot(xval(c), ymin).0 / 2, y > ymax ? 0 : plot.height - 1, y > ymax))
            }
            let (dx, dy) = dot(xval(c), clamp(y))
            let role: Role =
                m.colorBy == .predictor
                ? (c.source == .distill ? .distill : .expensive)
                : genRoles[min(genRoles.count - 1, c.generation * genRoles.count / gens)]
            set(dx, dy, role)
        }
        // The front: straight segments between consecutive points (Bresenham on the dot grid).
        // The front of the score the search used: drawn when that is what the y-axis shows.
        let front = m.plotY == .used ? m.pareto.sorted { xval($0) < xval($1) } : []
        for (a, c) in zip(front, front.dropFirst()) {
            var (x0, y0) = dot(xval(a), clamp(yval(a)))
            let (x1, y1) = dot(xval(c), clamp(yval(c)))
            let sx = x0 < x1 ? 1 : -1
            let sy = y0 < y1 ? 1 : -1
            let ddx = abs(x1 - x0)
            let ddy = -abs(y1 - y0)
            var err = ddx + ddy
            while true {
                set(x0, y0, .pareto)
                if x0 == x1 && y0 == y1 { break }
                let e2 = 2 * err
                if e2 >= ddy {
                    err += ddy
                    x0 += sx
                }
                if e2 <= ddx {
                    err += ddx
                    y0 += sy
                }
            }
        }
        for p in front {
            let (dx, dy) = dot(xval(p), clamp(yval(p)))
            set(dx, dy, .pareto)
        }
        let constraintCol = limit.map { dot($0, ymin).0 / 2 }
        for cy in 0..<plot.height {
            for cx in 0..<plot.width {
                let i = cy * plot.width + cx
                if bits[i] != 0 {
                    let ch: Unicode.Scalar =
                        m.asciiOnly ? (roles[i] == .pareto ? "o" : "*") : Unicode.Scalar(0x2800 + bits[i])!
                    b.put(plot.x + cx, plot.y + cy, ch, Style(roles[i], bold: roles[i] == .pareto))
                } else if cx == constraintCol {
                    // Dashed, so it is never taken for the pane's border.
                    b.put(plot.x + cx, plot.y + cy, m.asciiOnly ? ":" : "┊", Style(.constraint, bold: true))
                }
            }
        }
        for (cx, cy, above) in clipped {
            b.put(
                plot.x + min(cx, plot.width - 1), plot.y + cy, m.asciiOnly ? (above ? "^" : "v") : (above ? "▲" : "▼"),
                Style(.warning))
        }
        if let sel = m.selected, let at = geo.cell(sel) {
            b.put(at.x, at.y, m.asciiOnly ? "@" : "◆", Style(.selection, bold: true))
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
            let x =
                plot.x + Int(frac * Double(plot.width - 1)) - (frac == 1 ? s.count - 1 : frac == 0.5 ? s.count / 2 : 0)
            b.text(x, axisY, s, .dim)
        }
        let unit = usesLatency ? "ms \(m.config.constraint.hardware ?? "")" : "GFLOPs"
        let mixed = m.plotY == .used && Set(points.map(\.source)).count > 1
        var legend = "x \(unit) · y " + (mixed ? "used: student then expensive, 2 scales (v)" : "\(m.plotY.label) (v)")
        if points.count < all.count { legend += " · \(all.count - points.count) without" }
        if !clipped.isEmpty { legend += " · \(clipped.count) clipped" }
        let lx = b.text(r.x, axisY + 1, legend, Style(mixed ? .warning : .dim), maxWidth: r.width)
        var x = r.x + lx + 2
        if x + 16 < r.x + r.width {
            x += b.text(x, axisY + 1, m.asciiOnly ? "o" : "━", Style(.pareto, bold: true))
            x += b.text(x, axisY + 1, " front ", .dim)
            if limit != nil {
                x += b.text(x, axisY + 1, m.asciiOnly ? ":" : "┊", Style(.constraint, bold: true))
                x += b.text(x, axisY + 1, " limit ", .dim)
            }
        }
        generationStrip(&b, m, x: x, y: axisY + 1, maxX: r.x + r.width)
    }

    /// Generations as blocks in the plot's colours, filled up to the current one, with the
    /// switch point as a bar of its own: the moment the predictor changes.
    static func generationStrip(_ b: inout CellBuffer, _ m: ExplorerModel, x: Int, y: Int, maxX: Int) {
        let n = max(1, m.config.evolution.iterations)
        let width = min(n, maxX - x - 6)
        guard width >= 5 else { return }
        let roles: [Role] = [.gen0, .gen1, .gen2, .gen3, .gen4, .gen5]
        var cx = x + b.text(x, y, "gen ", .dim)
        let switchCol = m.config.switchAt * width / n
        for i in 0..<width {
            let g = i * n / width
            if i == switchCol && m.config.switchAt > 0 && m.config.switchAt < n {
                b.put(cx, y, m.asciiOnly ? "|" : "┃", Style(.switchMark, bold: true))
                cx += 1
            }
            let role =
                m.colorBy == .predictor ? (g < m.config.switchAt ? Role.distill : .expensive) : roles[min(5, g * 6 / n)]
            b.put(cx, y, g < m.state.generation ? (m.asciiOnly ? "#" : "█") : (m.asciiOnly ? "." : "░"), Style(role))
            cx += 1
        }
    }
}
