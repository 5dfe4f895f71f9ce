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

    public func render() -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        var (x0, x1) = (all.map(\.x).min() ?? 0, all.map(\.x).max() ?? 1)
        var (y0, y1) = (all.map(\.y).min() ?? 0, all.map(\.y).max() ?? 1)
        if x1 - x0 < 1e-12 {
            x0 -= 1
            x1 += 1
        }
        if y1 - y0 < 1e-12 {
            y0 -= 1
            y1 += 1
        }
        let padY = (y1 - y0) * 0.05
        y0 -= padY
        y1 += padY
        let left = 70.0
        let right = 170.0
        let top = 40.0
        let bottom = 55.0
        let pw = width - left - right
        let ph = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + ph - (y - y0) / (y1 - y0) * ph }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func label(_ v: Double) -> String {
            abs(v) >= 1000 || v == v.rounded()
                ? String(format: "%.0f", v) : String(format: "%g", (v * 1000).rounded() / 1000)
        }
        var s =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s +=
            "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(Self.escape(title))</text>\n"
        s +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(pw))\" height=\"\(f(ph))\" fill=\"none\" stroke=\"#444\"/>\n"
        for t in Self.ticks(x0, x1) {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + ph))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(top + ph + 16))\" text-anchor=\"middle\">\(label(t))</text>\n"
        }
        for t in Self.ticks(y0, y1) {
            s +=
                "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(t)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(label(t))</text>\n"
        }
        s +=
            "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        s +=
            "<text transform=\"translate(18 \(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for (i, se) in series.enumerated() {
            let c = Self.colors[i % Self.colors.count]
            let pts = se.points.filter { $0.x.isFinite && $0.y.isFinite }
            if se.line && pts.count > 1 {
                s +=
                    "<polyline fill=\"none\" stroke=\"\(c)\" stroke-width=\"1.8\" points=\""
                    + pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ") + "\"/>\n"
            }
            for p in pts { s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.6\" fill=\"\(c)\"/>" }
            s +=
                "\n<rect x=\"\(f(left + pw + 14))\" y=\"\(f(top + 8 + Double(i) * 20))\" width=\"12\" height=\"12\" fill=\"\(c)\"/>"
            s +=
                "<text x=\"\(f(left + pw + 32))\" y=\"\(f(top + 18 + Double(i) * 20))\">\(Self.escape(se.name))</text>\n"
        }
        return s + "</svg>\n"
    }
}
