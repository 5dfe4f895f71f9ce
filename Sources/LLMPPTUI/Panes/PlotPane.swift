import Foundation
import LLMPPCore
import LLMPPEngine

/// A score (y, per the y-mode: the one the search used, the student's, the expensive one or
/// the truth) against latency (x) of every generation so far, in braille dots (2x4 per cell);
/// the current Pareto front as a line, the constraint as a dashed vertical line, outliers
/// clipped to the edge with a mark, the selected architecture highlighted, and a strip of
/// generation colours with the switch point on it.
enum PlotPane {
    static let generationRoles: [Role] = [.gen0, .gen1, .gen2, .gen3, .gen4, .gen5]

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        guard r.width > 12, r.height > 4 else { return }
        guard let geo = PlotGeometry(m, r) else { return emptyMessage(&b, m, r) }
        var canvas = BrailleCanvas(geo.plot)
        let clipped = plotPoints(&canvas, m, geo)
        plotFront(&canvas, m, geo)
        canvas.draw(&b, ascii: m.asciiOnly, dashedColumn: geo.limit.map { geo.dot($0, geo.ymin).0 / 2 })
        for (cx, cy, above) in clipped {
            b.put(
                geo.plot.x + min(cx, geo.plot.width - 1), geo.plot.y + cy,
                m.asciiOnly ? (above ? "^" : "v") : (above ? "▲" : "▼"), Style(.warning))
        }
        if let sel = m.selected, let at = geo.cell(sel) {
            b.put(at.x, at.y, m.asciiOnly ? "@" : "◆", Style(.selection, bold: true))
        }
        axes(&b, geo, r)
        legend(&b, m, geo, r, clipped: clipped.count)
    }

    /// Why there is nothing to plot yet.
    static func emptyMessage(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let text =
            m.history.allSatisfy(\.isEmpty)
            ? "no population yet: \(searchStart(m))"
            : "no \(m.plotY.label) for these architectures yet: v changes the y-axis"
        b.paragraph(r.x + 1, r.y + r.height / 2 - 1, text, .dim, width: r.width - 2, maxLines: 3)
    }

    /// When generation 0 comes: an anytime run's after its warm-up labels and a short training
    /// (it said "after labelling", and a new user expected the whole label bar's hour).
    static func searchStart(_ m: ExplorerModel) -> String {
        if m.state.phase == .search { return "scoring generation 0" }
        guard let a = m.config.anytime, m.config.labels > 0, m.state.phase == .labelling || m.state.phase == .training
        else { return "the search starts after \(m.state.phase.rawValue)" }
        let warmup = min(a.warmupLabels, m.config.labels)
        return
            "the search starts after \(warmup) warm-up labels (\(min(m.state.labelsDone, warmup)) in) and a short training; the other labels come while it runs"
    }

    /// Every placeable point, coloured by generation or predictor; returns the clipped ones'
    /// cells and whether each is above the range.
    static func plotPoints(_ canvas: inout BrailleCanvas, _ m: ExplorerModel, _ geo: PlotGeometry) -> [(Int, Int, Bool)]
    {
        let gens = max(1, m.config.evolution.iterations)
        let roles = generationRoles
        var clipped: [(Int, Int, Bool)] = []
        for c in geo.points {
            let y = geo.y(c)!
            if y < geo.ymin || y > geo.ymax {
                clipped.append(
                    (geo.dot(geo.x(c), geo.ymin).0 / 2, y > geo.ymax ? 0 : geo.plot.height - 1, y > geo.ymax))
            }
            let (dx, dy) = geo.dot(geo.x(c), geo.clamp(y))
            let role: Role =
                m.colorBy == .predictor
                ? (c.source == .distill ? .distill : .expensive)
                : roles[min(roles.count - 1, c.generation * roles.count / gens)]
            canvas.set(dx, dy, role)
        }
        return clipped
    }

    /// The front of the score the search used, as a line: drawn when that is what y shows.
    static func plotFront(_ canvas: inout BrailleCanvas, _ m: ExplorerModel, _ geo: PlotGeometry) {
        guard m.plotY == .used else { return }
        let front = m.pareto.sorted { geo.x($0) < geo.x($1) }.map { geo.dot(geo.x($0), geo.clamp($0.score)) }
        for (a, c) in zip(front, front.dropFirst()) { canvas.line(from: a, to: c, .pareto) }
        for p in front { canvas.set(p.0, p.1, .pareto) }
    }

    /// Score ticks on the left, latency (or GFLOPs) ticks below.
    static func axes(_ b: inout CellBuffer, _ geo: PlotGeometry, _ r: Rect) {
        let plot = geo.plot
        for frac in [1.0, 0.5, 0.0] {
            let v = geo.ymin + (geo.ymax - geo.ymin) * frac
            let y = plot.y + Int((1 - frac) * Double(plot.height - 1))
            b.text(
                r.x, y,
                Renderer.pad(Renderer.num(v, v.magnitude >= 100 ? 0 : 2), PlotGeometry.labelWidth - 1, right: true),
                .dim)
        }
        for frac in [0.0, 0.5, 1.0] {
            let s = Renderer.num(geo.xmin + (geo.xmax - geo.xmin) * frac, geo.usesLatency ? 1 : 2)
            let x =
                plot.x + Int(frac * Double(plot.width - 1)) - (frac == 1 ? s.count - 1 : frac == 0.5 ? s.count / 2 : 0)
            b.text(x, plot.y + plot.height, s, .dim)
        }
    }

    /// What the axes hold (units, which score, how many points are missing or clipped), the
    /// front's and the limit's marks, and the generation strip.
    static func legend(_ b: inout CellBuffer, _ m: ExplorerModel, _ geo: PlotGeometry, _ r: Rect, clipped: Int) {
        let y = geo.plot.y + geo.plot.height + 1
        // The device named even without a constraint ("x ms" said nothing about which).
        let device = m.config.constraint.hardware ?? m.defaultLatencyDevice
        let unit = geo.usesLatency ? "ms" + (device.map { " \($0)" } ?? "") : "GFLOPs"
        let mixed = m.plotY == .used && Set(geo.points.map(\.source)).count > 1
        // Coloured by predictor, the key below names the two scales, so the words are shorter.
        let keyed = m.colorBy == .predictor
        var text =
            "x \(unit) · y "
            + (mixed
                ? (keyed ? "used, 2 scales (v)" : "used: student then expensive, 2 scales (v)")
                : "\(m.plotY.label) (v)")
        if geo.points.count < geo.candidates {
            text += " · \(geo.candidates - geo.points.count) without a \(m.plotY == .truth ? "truth" : "score")"
        }
        if clipped > 0 { text += " · \(clipped) clipped" }
        let written = b.text(r.x, y, text, Style(mixed ? .warning : .dim), maxWidth: r.width)
        let ownRow = PlotGeometry.legendRows(r.height) == 2
        let keys = ownRow ? y + 1 : y
        var x = ownRow ? r.x : r.x + written + 2
        // Coloured by predictor, the key says which colour is which (it was left to guess).
        if keyed && x + 24 < r.x + r.width {
            let dot = m.asciiOnly ? "*" : "●"
            x += b.text(x, keys, dot, Style(.distill, bold: true))
            x += b.text(x, keys, " student ", .dim)
            x += b.text(x, keys, dot, Style(.expensive, bold: true))
            x += b.text(x, keys, " expensive ", .dim)
        }
        if x + 16 < r.x + r.width {
            // The front is drawn for the score the search used only (its key stood in every mode).
            if m.plotY == .used {
                x += b.text(x, keys, m.asciiOnly ? "o" : "━", Style(.pareto, bold: true))
                x += b.text(x, keys, " front ", .dim)
            }
            if geo.limit != nil {
                x += b.text(x, keys, m.asciiOnly ? ":" : "┊", Style(.constraint, bold: true))
                x += b.text(x, keys, " limit ", .dim)
            }
        }
        generationStrip(&b, m, x: x, y: keys, maxX: r.x + r.width)
    }

    /// Generations as blocks in the plot's colours, filled up to the current one, with the
    /// switch point as a bar of its own: the moment the predictor changes.
    static func generationStrip(_ b: inout CellBuffer, _ m: ExplorerModel, x: Int, y: Int, maxX: Int) {
        let n = max(1, m.config.evolution.iterations)
        let width = min(n, maxX - x - 6)
        guard width >= 5 else { return }
        let roles = generationRoles
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
