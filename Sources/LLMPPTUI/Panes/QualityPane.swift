import Foundation
import LLMPPCore

/// MAE and Kendall of LLM-PP, LLM-Distill-PP, the baselines and references on the test split,
/// and the distillation loss curve as a sparkline.
enum QualityPane {
    static let blocks: [Unicode.Scalar] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func sparkline(_ values: [Double], width: Int, ascii: Bool) -> String {
        guard !values.isEmpty, width > 0 else { return "" }
        // Bucket means so the whole curve fits.
        let n = min(width, values.count)
        let buckets = (0..<n).map { i -> Double in
            let a = i * values.count / n
            let z = max(a + 1, (i + 1) * values.count / n)
            return values[a..<z].reduce(0, +) / Double(z - a)
        }
        let lo = buckets.min()!
        let hi = buckets.max()!
        let chars: [Unicode.Scalar] = ascii ? ["_", ".", "-", "~", "=", "+", "*", "#"] : blocks
        return String(
            String.UnicodeScalarView(
                buckets.map { v in
                    chars[hi - lo < 1e-12 ? 0 : min(7, Int((v - lo) / (hi - lo) * 7.999))]
                }))
    }

    /// Widest name column: "Supernet (Sandwich) (shift-cal.)" whole; 29 where the scatter
    /// beside it would be left fewer than 20 columns (at 120 columns it kept 17).
    static let nameWidth = 32
    static let narrowNameWidth = 29
    /// The table's columns beside its names: MAE 8, Kendall 9.
    static let figuresWidth = 17

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let names = r.width - (nameWidth + figuresWidth) - 1 >= 20 ? nameWidth : narrowNameWidth
        let tableWidth = names + figuresWidth
        let scatterWidth = r.width - tableWidth - 1
        let withScatter = scatterWidth >= QualityScatter.minWidth
        if withScatter {
            QualityScatter.draw(
                &b, m.qualityPoints, Rect(r.x + tableWidth + 1, r.y, scatterWidth, r.height - 1), ascii: m.asciiOnly)
        }
        let left = withScatter ? Rect(r.x, r.y, tableWidth, r.height) : r
        drawTable(&b, m, left, names: names)
        drawLoss(&b, m, x: left.x, y: left.y + left.height - 1, width: left.width)
    }

    /// The MAE/Kendall table of the valid metric (else the first), the best of each column
    /// marked, with what the two figures mean underneath.
    static func drawTable(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect, names: Int = nameWidth) {
        guard let (name, all) = m.quality.first(where: { $0.0 == "valid" }) ?? m.quality.first, !all.isEmpty
        else {
            b.paragraph(
                r.x, r.y, "quality appears once the student is trained (test split \(m.config.splitSeed))", .dim,
                width: r.width, maxLines: r.height)
            return
        }
        let list = paneOrder(all)
        // The names give way to the figures in a narrow pane (at 80 columns Kendall read "Ke…").
        let nameWidth = max(12, min(names, r.width - figuresWidth))
        b.text(
            r.x, r.y,
            Renderer.pad("\(name) \(m.metric), split \(m.config.splitSeed)", nameWidth, cut: true)
                + Renderer.pad("MAE", 8, right: true) + Renderer.pad("Kendall", 9, right: true),
            Style(.title, bold: true), maxWidth: r.width)
        // The best figure of each column is marked, so the table reads without a legend.
        let bestMAE = list.compactMap(\.maeMean).min()
        let bestKendall = list.compactMap(\.kendallMean).max()
        // Rows before the legend: at 80x24 a two-line legend left room for the student's row
        // alone, without the references it is judged by. The legend shrinks to one line, then goes.
        let room = max(0, r.height - 2)
        let legend = room >= list.count + 2 ? 2 : room >= list.count + 1 ? 1 : 0
        // Rows that do not fit are said on the last row (at 80x24 three of seven went unsaid).
        let hidden = max(0, list.count - room)
        var y = r.y + 1
        for q in list.prefix(hidden > 0 ? max(0, room - 1) : room - legend) {
            let role: Role =
                q.name.hasPrefix("LLM-Distill") ? .distill : (q.name.hasPrefix("LLM-PP") ? .accent : .normal)
            let name = q.name.replacingOccurrences(of: "(demonstrations)", with: "(demos)")
                .replacingOccurrences(of: "-calibrated)", with: "-cal.)")
            var x = r.x + b.text(r.x, y, Renderer.pad(name, nameWidth, cut: true), Style(role), maxWidth: r.width)
            // Best as shown: rows that read the same (0.59 and 0.59) are both marked.
            let maeBest = q.maeMean != nil && Renderer.num(q.maeMean) == Renderer.num(bestMAE)
            let kBest = q.kendallMean != nil && Renderer.num(q.kendallMean) == Renderer.num(bestKendall)
            x += b.text(
                x, y, Renderer.pad(Renderer.num(q.maeMean) + (maeBest ? "*" : " "), 8, right: true),
                maeBest ? Style(.good, bold: true) : Style(role), maxWidth: r.x + r.width - x)
            b.text(
                x, y, Renderer.pad(Renderer.num(q.kendallMean) + (kBest ? "*" : " "), 9, right: true),
                kBest ? Style(.good, bold: true) : Style(role), maxWidth: r.x + r.width - x)
            y += 1
        }
        // What the numbers mean (MAE 6.92 / Kendall 0.01 used to stand without a word).
        if hidden > 0 {
            b.text(
                r.x, r.y + r.height - 2, "+\(hidden + 1) more rows: 5 then z shows them", .dim, maxWidth: r.width)
        } else if legend == 2 {
            b.text(r.x, r.y + r.height - 3, "MAE: mean |predicted - truth|, lower is better", .dim, maxWidth: r.width)
            b.text(r.x, r.y + r.height - 2, "Kendall: 1 = same order, 0 = random; * best", .dim, maxWidth: r.width)
        } else if legend == 1 {
            b.text(r.x, r.y + r.height - 2, "better: MAE lower, Kendall higher; * best", .dim, maxWidth: r.width)
        }
    }

    /// The rows in the order a short pane keeps them: the LLM's, the baselines shifted as
    /// LLM-PP is, the fits of the demonstrations, the baselines as the paper reports them, the
    /// orders alone. (At 80x24 the paper's order showed the student beside four raw supernets.)
    static func paneOrder(_ list: [PredictorQuality]) -> [PredictorQuality] {
        func rank(_ q: PredictorQuality) -> Int {
            if q.name.hasPrefix("LLM-") { return 0 }
            if BaselineReport.isShiftCalibrated(q.name) { return 1 }
            if [BaselineReport.demoMeanName, BaselineReport.lineName, BaselineReport.ridgeName].contains(q.name) {
                return 2
            }
            return [BaselineReport.paramsName, BaselineReport.flopsName].contains(q.name) ? 4 : 3
        }
        return list.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// The distillation loss as a sparkline, or why there is none.
    static func drawLoss(_ b: inout CellBuffer, _ m: ExplorerModel, x: Int, y: Int, width: Int) {
        guard let last = m.state.lossCurve.last else {
            let trained =
                (m.state.phase == .search || m.state.phase == .done) && m.config.labels > 0
                && m.state.trainingStep >= m.config.firstTrainingSteps
            b.text(
                x, y,
                trained
                    ? "distillation: the same student was trained before (from the cache)"
                    : "distillation loss: not trained yet",
                .dim, maxWidth: width)
            return
        }
        let n = b.text(x, y, String(format: "loss %.4f ", last), .dim)
        b.text(
            x + n, y, sparkline(m.state.lossCurve, width: width - n, ascii: m.asciiOnly), Style(.distill),
            maxWidth: width - n)
    }
}
