import Foundation

/// Predictors fitted on a split's demonstrations alone: the strongest simple references an
/// LLM predictor must beat to be worth its cost, since it sees the same 10 points.
public enum DemonstrationFits {
    /// Least squares `y = a + b x` (a line through the mean when every x is equal).
    public static func line(x: [Double], y: [Double]) -> (intercept: Double, slope: Double) {
        let mx = Metrics.mean(x)
        let my = Metrics.mean(y)
        var sxy = 0.0
        var sxx = 0.0
        for (xi, yi) in zip(x, y) {
            sxy += (xi - mx) * (yi - my)
            sxx += (xi - mx) * (xi - mx)
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        return (my - slope * mx, slope)
    }

    /// A ridge regression on standardised inputs: each column centred and divided by its
    /// population std over the training rows (left as is when constant), the target centred,
    /// `(ZᵀZ + λI) w = Zᵀ(y - ȳ)`, intercept ȳ unpenalised.
    public struct Ridge: Sendable {
        public let means: [Double]
        public let scales: [Double]
        public let weights: [Double]
        public let intercept: Double

        public init(x: [[Double]], y: [Double], lambda: Double) {
            let d = x.first?.count ?? 0
            let mu = (0..<d).map { j in Metrics.mean(x.map { $0[j] }) }
            let sd = (0..<d).map { j in
                let s = Metrics.std(x.map { $0[j] })
                return s > 0 ? s : 1
            }
            let intercept = Metrics.mean(y)
            let z = x.map { row in (0..<d).map { j in (row[j] - mu[j]) / sd[j] } }
            means = mu
            scales = sd
            self.intercept = intercept
            let centred = y.map { $0 - intercept }
            // With fewer rows than columns the dual system is the smaller one and gives the
            // same weights: w = Zᵀ (ZZᵀ + λI)⁻¹ (y - ȳ).
            weights = z.count < d ? Self.dual(z, centred, lambda) : Self.primal(z, centred, lambda, d)
        }

        static func primal(_ z: [[Double]], _ y: [Double], _ lambda: Double, _ d: Int) -> [Double] {
            var a = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
            var b = [Double](repeating: 0, count: d)
            for (row, yi) in zip(z, y) {
                for i in 0..<d {
                    b[i] += row[i] * yi
                    for j in 0..<d { a[i][j] += row[i] * row[j] }
                }
            }
            for i in 0..<d { a[i][i] += lambda }
            return solveSymmetricPositive(a, b)
        }

        static func dual(_ z: [[Double]], _ y: [Double], _ lambda: Double) -> [Double] {
            let n = z.count
            var k = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n {
                for j in 0...i {
                    var s = 0.0
                    for c in z[i].indices { s += z[i][c] * z[j][c] }
                    k[i][j] = s
                    k[j][i] = s
                }
                k[i][i] += lambda
            }
            let alpha = solveSymmetricPositive(k, y)
            var w = [Double](repeating: 0, count: z.first?.count ?? 0)
            for (row, a) in zip(z, alpha) { for c in row.indices { w[c] += a * row[c] } }
            return w
        }

        public func predict(_ row: [Double]) -> Double {
            var v = intercept
            for j in weights.indices { v += weights[j] * (row[j] - means[j]) / scales[j] }
            return v
        }

        /// Cholesky solve; the ridge term keeps the matrix positive definite.
        static func solveSymmetricPositive(_ a: [[Double]], _ b: [Double]) -> [Double] {
            let n = b.count
            var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for i in 0..<n {
                for j in 0...i {
                    var s = a[i][j]
                    for k in 0..<j { s -= l[i][k] * l[j][k] }
                    l[i][j] = i == j ? max(s, 1e-300).squareRoot() : s / l[j][j]
                }
            }
            var z = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var s = b[i]
                for k in 0..<i { s -= l[i][k] * z[k] }
                z[i] = s / l[i][i]
            }
            var w = [Double](repeating: 0, count: n)
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = z[i]
                for k in (i + 1)..<n where k < n { s -= l[k][i] * w[k] }
                w[i] = s / l[i][i]
            }
            return w
        }
    }

    public static let ridgeLambda = 5.0

    /// Inputs of the ridge reference: the space's default feature set plus log #params.
    public static func ridgeInputs(_ space: SearchSpace, _ arch: Architecture, row: (table: Int, row: Int)?) throws
        -> [Double]
    {
        let features = try space.defaultFeatureSet.map { try space.features(arch, set: $0) } ?? []
        return features + [log(max(try space.evaluate(space.efficiency.params, arch, row: row), 1))]
    }
}
