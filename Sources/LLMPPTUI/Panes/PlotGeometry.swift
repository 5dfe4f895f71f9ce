import Foundation
import LLMPPCore
import LLMPPEngine

/// Where the plot puts each architecture: the axes' ranges (the constraint included, the
/// y-outliers clipped), the dot grid and the cells. Drawing and mouse hits both use it, so a
/// click lands on the point drawn under it (the click used to compute its own x-range
/// without the constraint and its y from the score the search used, whatever `v` showed).
struct PlotGeometry {
    /// Columns left of the plot for the y-axis labels.
    static let labelWidth = 7

    let plot: Rect
    let xmin: Double, xmax: Double
    let ymin: Double, ymax: Double
    let usesLatency: Bool
    let limit: Double?
    let yMode: PlotYMode
    /// Every generation's architectures that have a value on the y-axis, and how many there
    /// are in all (the legend says how many lack one).
    let points: [Candidate]
    let candidates: Int

    /// nil when nothing can be placed (no point has a value on the y-axis, or no room).
    init?(_ m: ExplorerModel, _ r: Rect) {
        let all = m.history.flatMap { $0 }
        let points = all.filter { m.plotY.value($0) != nil }
        guard r.width > 12, r.height > 4, !points.isEmpty else { return nil }
        self.points = points
        candidates = all.count
        yMode = m.plotY
        usesLatency = points.contains { $0.latencyMs != nil }
        limit = usesLatency ? m.config.constraint.latencyMs : m.config.constraint.gflops
        var xs = points.map { $0.latencyMs ?? $0.gflops }
        if let limit { xs.append(limit) }
        var (lo, hi) = (xs.min()!, xs.max()!)
        if hi - lo < 1e-9 {
            lo -= 1
            hi += 1
        }
        (xmin, xmax) = (lo, hi)
        (ymin, ymax) = Self.yRange(points.map { m.plotY.value($0)! })
        plot = Rect(r.x + Self.labelWidth, r.y, r.width - Self.labelWidth, r.height - 1 - Self.legendRows(r.height))
    }

    /// Rows under the x-axis ticks: what the axes hold, then a row of keys (colours, front,
    /// limit, generations) where the pane is tall enough. On one row the keys were cut off
    /// below 200 columns.
    static func legendRows(_ height: Int) -> Int { height >= 10 ? 2 : 1 }

    func x(_ c: Candidate) -> Double { c.latencyMs ?? c.gflops }
    /// The y-axis value, nil where this mode has none for the architecture.
    func y(_ c: Candidate) -> Double? { yMode.value(c) }
    func clamp(_ y: Double) -> Double { min(max(y, ymin), ymax) }

    func dot(_ x: Double, _ y: Double) -> (Int, Int) {
        (
            // Braille dots: 2 across and 4 down per cell.
            Int(((x - xmin) / (xmax - xmin) * Double(plot.width * 2 - 1)).rounded()),
            Int(((1 - (y - ymin) / (ymax - ymin)) * Double(plot.height * 4 - 1)).rounded())
        )
    }

    /// The screen cell an architecture is drawn in (clipped ones on the edge), nil without a y value.
    func cell(_ c: Candidate) -> (x: Int, y: Int)? {
        guard let v = y(c) else { return nil }
        let (dx, dy) = dot(x(c), clamp(v))
        return (plot.x + dx / 2, plot.y + dy / 4)
    }

    /// The index of the candidate drawn nearest the screen cell (x, y), in cells (a cell is
    /// about twice as tall as wide, so rows count double).
    func nearest(_ candidates: [Candidate], toX x: Int, y: Int) -> Int? {
        var best: (Int, Int)? = nil
        for (i, c) in candidates.enumerated() {
            guard let p = cell(c) else { continue }
            let d = (p.x - x) * (p.x - x) + 4 * (p.y - y) * (p.y - y)
            if best == nil || d < best!.1 { best = (i, d) }
        }
        return best?.0
    }

    /// The central 96% of the values with a 5% margin (all of them when there are few).
    static func yRange(_ ys: [Double]) -> (Double, Double) {
        let s = ys.sorted()
        let cut = s.count >= 25 ? s.count / 50 : 0
        var lo = s[cut]
        var hi = s[s.count - 1 - cut]
        // Far outside the quartiles is clipped too, however few the points: an expensive score
        // of 9.71 among a dozen of 80-89 squashed them into two rows.
        if s.count >= 8 {
            let (q1, q3) = (s[s.count / 4], s[s.count * 3 / 4])
            let fence = 3 * (q3 - q1)
            if fence > 0 { (lo, hi) = (max(lo, q1 - fence), min(hi, q3 + fence)) }
        }
        if hi - lo < 1e-9 {
            lo -= 1
            hi += 1
        }
        let pad = (hi - lo) * 0.05
        let range = (max(s[0], lo - pad), min(s[s.count - 1], hi + pad))
        return range.1 - range.0 < 1e-9 ? (lo, hi) : range
    }
}
