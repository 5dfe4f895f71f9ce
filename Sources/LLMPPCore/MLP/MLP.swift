import Foundation

/// A fully connected ReLU network with a linear output, trained with Adam on MSE.
/// Matrix products go through BLAS; everything else is plain loops over contiguous
/// buffers. Seeded and deterministic: the same seed, data and configuration give the
/// same weights bit for bit on one machine.
public struct MLP<T: BLASScalar>: Sendable, Codable {
    /// Layer widths, input first: [10, 400, 400, 400, 400, 1] is the paper's student.
    public let widths: [Int]
    /// weights[l] is widths[l+1] x widths[l], row-major; biases[l] has widths[l+1] entries.
    public var weights: [[T]]
    public var biases: [[T]]

    public var layerCount: Int { widths.count - 1 }
    public var parameterCount: Int { zip(weights, biases).reduce(0) { $0 + $1.0.count + $1.1.count } }

    /// PyTorch's `nn.Linear` initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for both.
    public init(widths: [Int], seed: UInt64) {
        precondition(
            widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "MLP needs at least an input and an output width")
        self.widths = widths
        var rng = SeededGenerator(seed: seed)
        var w: [[T]] = []
        var b: [[T]] = []
        for l in 0..<(widths.count - 1) {
            let bound = 1 / Double(widths[l]).squareRoot()
            w.append((0..<(widths[l] * widths[l + 1])).map { _ in T((rng.unit() * 2 - 1) * bound) })
            b.append((0..<widths[l + 1]).map { _ in T((rng.unit() * 2 - 1) * bound) })
        }
        weights = w
        biases = b
    }

    /// Outputs for a batch given row-major inputs (count x widths[0]); returns count x widths.last.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func forward(_ input: [T], count: Int) -> [T] {
        var ws = Workspace(widths: widths, batch: count)
        forward(input, count: count, into: &ws)
        return ws.activations[layerCount]
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func predict(_ rows: [[Double]]) -> [Double] {
        guard !rows.isEmpty else { return [] }
        let flat = rows.flatMap { $0.map { T($0) } }
        let out = forward(flat, count: rows.count)
        return out.map { Double($0) }
    }

    /// The last hidden layer's activations of each row: the representation the output layer
    /// reads (a fine-tune of that layer alone is a linear fit on them).
    public func lastHidden(_ rows: [[Double]]) -> [[Double]] {
        guard !rows.isEmpty, layerCount >= 2 else { return rows }
        var ws = Workspace(widths: widths, batch: rows.count)
        forward(rows.flatMap { $0.map { T($0) } }, count: rows.count, into: &ws)
        let w = widths[layerCount - 1]
        let h = ws.activations[layerCount - 1]
        return (0..<rows.count).map { r in (0..<w).map { Double(h[r * w + $0]) } }
    }

    /// Buffers reused across steps: activations per layer, gradients of pre-activations.
    struct Workspace {
        var batch: Int
        var activations: [[T]]
        var deltas: [[T]]
        init(widths: [Int], batch: Int) {
            self.batch = batch
            activations = widths.map { [T](repeating: 0, count: $0 * batch) }
            deltas = widths.map { [T](repeating: 0, count: $0 * batch) }
        }
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func forward(_ input: [T], count b: Int, into ws: inout Workspace) {
        precondition(input.count == b * widths[0], "input has \(input.count) values, expected \(b) x \(widths[0])")
        ws.activations[0] = input
        for l in 0..<layerCount {
            let nin = widths[l]
            let nout = widths[l + 1]
            let last = l == layerCount - 1
            // Swapped out so that reading layer l while writing layer l+1 is not an overlapping access.
            var out: [T] = []
            swap(&out, &ws.activations[l + 1])
            defer { swap(&out, &ws.activations[l + 1]) }
            out.withUnsafeMutableBufferPointer { z in
                // z = bias broadcast, then z += x * W^T
                biases[l].withUnsafeBufferPointer { bias in
                    for r in 0..<b { (z.baseAddress! + r * nout).update(from: bias.baseAddress!, count: nout) }
                }
                ws.activations[l].withUnsafeBufferPointer { x in
                    weights[l].withUnsafeBufferPointer { w in
                        T.gemm(
                            transA: false, transB: true, m: b, n: nout, k: nin, alpha: 1, a: x.baseAddress!, lda: nin,
                            b: w.baseAddress!, ldb: nin, beta: 1, c: z.baseAddress!, ldc: nout)
                    }
                }
                // Branch-free: ReLU signs are random, and a mispredicted branch per element cost more than the GEMMs' overhead.
                if !last { for i in 0..<(b * nout) { z[i] = Swift.max(z[i], 0) } }
            }
        }
    }

    /// Mean squared error of a batch and the gradients of every parameter: the forward pass,
    /// the output layer's deltas, then back through the layers.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func lossAndGradients(
        _ input: [T], _ target: [T], count b: Int, ws: inout Workspace,
        gradW: inout [[T]], gradB: inout [[T]]
    ) -> Double {
        forward(input, count: b, into: &ws)
        let loss = outputDeltas(target, count: b, ws: &ws)
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            layerGradients(l, count: b, ws: ws, gradW: &gradW[l], gradB: &gradB[l])
            if l > 0 { propagateDeltas(to: l, count: b, ws: &ws) }
        }
        return loss
    }

    /// The batch's mean squared error; the output layer's deltas (its gradient) into `ws`.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func outputDeltas(_ target: [T], count b: Int, ws: inout Workspace) -> Double {
        let nout = widths[layerCount]
        var loss = 0.0
        let out = ws.activations[layerCount]
        let scale = T(2) / T(b * nout)
        for i in 0..<(b * nout) {
            let d = out[i] - target[i]
            loss += Double(d) * Double(d)
            ws.deltas[layerCount][i] = d * scale
        }
        return loss / Double(b * nout)
    }

    /// Layer `l`'s weight and bias gradients from the deltas of its output: dW = delta^T * x,
    /// db = the column sums of delta.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func layerGradients(_ l: Int, count b: Int, ws: Workspace, gradW: inout [T], gradB: inout [T]) {
        let nin = widths[l]
        let nout = widths[l + 1]
        ws.deltas[l + 1].withUnsafeBufferPointer { d in
            ws.activations[l].withUnsafeBufferPointer { x in
                gradW.withUnsafeMutableBufferPointer { g in
                    T.gemm(
                        transA: true, transB: false, m: nout, n: nin, k: b, alpha: 1, a: d.baseAddress!, lda: nout,
                        b: x.baseAddress!, ldb: nin, beta: 0, c: g.baseAddress!, ldc: nin)
                }
            }
            gradB.withUnsafeMutableBufferPointer { g in
                for j in 0..<nout { g[j] = 0 }
                for r in 0..<b { for j in 0..<nout { g[j] += d[r * nout + j] } }
            }
        }
    }

    /// The deltas of layer `l`'s output from those of layer `l + 1`'s: delta * W, masked by
    /// layer `l`'s ReLU.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    func propagateDeltas(to l: Int, count b: Int, ws: inout Workspace) {
        let nin = widths[l]
        let nout = widths[l + 1]
        // Swapped out so that reading layer l+1's deltas while writing layer l's is not an overlapping access.
        var prev: [T] = []
        swap(&prev, &ws.deltas[l])
        defer { swap(&prev, &ws.deltas[l]) }
        ws.deltas[l + 1].withUnsafeBufferPointer { d in
            weights[l].withUnsafeBufferPointer { w in
                prev.withUnsafeMutableBufferPointer { p in
                    T.gemm(
                        transA: false, transB: false, m: b, n: nin, k: nout, alpha: 1, a: d.baseAddress!, lda: nout,
                        b: w.baseAddress!, ldb: nin, beta: 0, c: p.baseAddress!, ldc: nin)
                }
            }
        }
        ws.activations[l].withUnsafeBufferPointer { a in
            prev.withUnsafeMutableBufferPointer { p in
                for i in 0..<(b * nin) { p[i] = a[i] > 0 ? p[i] : 0 }
            }
        }
    }
}
