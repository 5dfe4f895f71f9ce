import Foundation

/// A small line/scatter chart written as standalone SVG: what `reproduce --out` draws
/// (Pareto fronts, truth against expensive evaluations). No dependencies, readable by
/// any browser or paper pipeline.
public struct SVGChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var line: Bool
        public init(name: String, points: [(x: Double, y: Double)], line: Bool = true) {
            self.name = name
            self.points = points
            self.line = line
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 720.0, height = 440.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f"]

    /// Tick positions at 1, 2 or 5 times a power of ten, about `count` of them.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 6) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let p = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * p }.first { $0 >= raw } ?? 10 * p
        // Multiples of the step, divided by the power's inverse when below 1 so that 0.6 is 0.6.
        let inv = p < 1 ? (1 / p).rounded() : 1
        var out: [Double] = []
        var k = ceil(lo / step - 1e-9)
        while k * step <= hi + step * 1e-9 {
            out.append(p < 1 ? (k * step * inv).rounded() / inv : k * step)
            k += 1
        }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }

    /// Where data lands on the page: the data's bounds (padded) mapped into the plot area
    /// between the margins (the right one holds the legend).
    struct Frame {
        var x0: Double, x1: Double, y0: Double, y1: Double
        let left = 70.0, right = 170.0, top = 40.0, bottom = 55.0
        var plotWidth: Double, plotHeight: Double

        init(_ points: [(x: Double, y: Double)], width: Double, height: Double) {
            (x0, x1) = Self.span(points.map(\.x))
            (y0, y1) = Self.span(points.map(\.y))
            let padY = (y1 - y0) * 0.05
            y0 -= padY
            y1 += padY
            plotWidth = width - left - right
            plotHeight = height - top - bottom
        }

        /// min...max, or 0...1 without data, widened by 1 either side where it is a point.
        static func span(_ v: [Double]) -> (Double, Double) {
            let (lo, hi) = (v.min() ?? 0, v.max() ?? 1)
            return hi - lo < 1e-12 ? (lo - 1, hi + 1) : (lo, hi)
        }

        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - y0) / (y1 - y0) * plotHeight }
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// A tick's label: whole numbers plainly, others to at most three decimals.
    static func label(_ v: Double) -> String {
        abs(v) >= 1000 || v == v.rounded()
            ? String(format: "%.0f", v) : String(format: "%g", (v * 1000).rounded() / 1000)
    }

    public func render() -> String {
        let frame = Frame(
            series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }, width: width, height: height)
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += axes(frame)
        for (i, se) in series.enumerated() { s += marks(se, index: i, frame) }
        return s + "</svg>\n"
    }

    /// The title, the plot's border, the grid with its tick labels and the axis labels.
    func axes(_ fr: Frame) -> String {
        let f = Self.f
        var s =
            "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(Self.escape(title))</text>\n"
        s +=
            "<rect x=\"\(f(fr.left))\" y=\"\(f(fr.top))\" width=\"\(f(fr.plotWidth))\" height=\"\(f(fr.plotHeight))\" fill=\"none\" stroke=\"#444\"/>\n"
        let bottomY = fr.top + fr.plotHeight
        for t in Self.ticks(fr.x0, fr.x1) {
            s +=
                "<line x1=\"\(f(fr.px(t)))\" y1=\"\(f(fr.top))\" x2=\"\(f(fr.px(t)))\" y2=\"\(f(bottomY))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(fr.px(t)))\" y=\"\(f(bottomY + 16))\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
        }
        for t in Self.ticks(fr.y0, fr.y1) {
            s +=
                "<line x1=\"\(f(fr.left))\" y1=\"\(f(fr.py(t)))\" x2=\"\(f(fr.left + fr.plotWidth))\" y2=\"\(f(fr.py(t)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(fr.left - 6))\" y=\"\(f(fr.py(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n"
        }
        s +=
            "<text x=\"\(f(fr.left + fr.plotWidth / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        s +=
            "<text transform=\"translate(18 \(f(fr.top + fr.plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        return s
    }

    /// One series: its line (where it is drawn as one and has two points or more), its points and
    /// its legend entry.
    func marks(_ se: Series, index i: Int, _ fr: Frame) -> String {
        let f = Self.f
        let c = Self.colors[i % Self.colors.count]
        let pts = se.points.filter { $0.x.isFinite && $0.y.isFinite }
        var s = ""
        if se.line && pts.count > 1 {
            s +=
                "<polyline fill=\"none\" stroke=\"\(c)\" stroke-width=\"1.8\" points=\""
                + pts.map { "\(f(fr.px($0.x))),\(f(fr.py($0.y)))" }.joined(separator: " ") + "\"/>\n"
        }
        for p in pts { s += "<circle cx=\"\(f(fr.px(p.x)))\" cy=\"\(f(fr.py(p.y)))\" r=\"2.6\" fill=\"\(c)\"/>" }
        let legendX = fr.left + fr.plotWidth
        s +=
            "\n<rect x=\"\(f(legendX + 14))\" y=\"\(f(fr.top + 8 + Double(i) * 20))\" width=\"12\" height=\"12\" fill=\"\(c)\"/>"
        s += "<text x=\"\(f(legendX + 32))\" y=\"\(f(fr.top + 18 + Double(i) * 20))\">\(Self.escape(se.name))</text>\n"
        return s
    }
}
