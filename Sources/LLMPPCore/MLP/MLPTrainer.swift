import CKernels
import Foundation

/// Training settings; the defaults are the paper's LLM-Distill-PP student.
public struct TrainingConfig: Sendable, Codable, Equatable {
    public var hidden: [Int] = [400, 400, 400, 400]
    public var learningRate: Double = 1e-5
    public var steps: Int = 5000
    public var batchSize: Int = 128
    public var seed: UInt64 = 0
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Double = 1e-8

    public init(
        hidden: [Int] = [400, 400, 400, 400], learningRate: Double = 1e-5, steps: Int = 5000,
        batchSize: Int = 128, seed: UInt64 = 0
    ) {
        self.hidden = hidden
        self.learningRate = learningRate
        self.steps = steps
        self.batchSize = batchSize
        self.seed = seed
    }
}

/// Adam on mini-batches drawn without replacement from a reshuffled epoch order (as a
/// shuffling DataLoader does). Can be stepped in chunks, so an engine can train
/// incrementally, report the loss and persist between chunks.
public struct MLPTrainer<T: BLASScalar>: Sendable, Codable {
    public private(set) var model: MLP<T>
    public let config: TrainingConfig
    public private(set) var step = 0
    /// Mean loss of every step so far.
    public private(set) var losses: [Double] = []

    private let x: [T], y: [T], rows: Int
    private var m: [[T]], v: [[T]], mb: [[T]], vb: [[T]]
    private var rng: SeededGenerator
    private var order: [Int] = []
    private var cursor = 0

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    /// `initial`: start from these weights (a warm retraining) when their shape fits.
    public init(inputs: [[Double]], targets: [Double], config: TrainingConfig, initial: MLP<T>? = nil) {
        precondition(
            !inputs.isEmpty && inputs.count == targets.count, "training needs as many targets as inputs, and some")
        let width = inputs[0].count
        self.config = config
        self.rows = inputs.count
        self.x = inputs.flatMap { row in row.map { T($0) } }
        self.y = targets.map { T($0) }
        let widths = [width] + config.hidden + [1]
        if let initial, initial.widths == widths {
            self.model = initial
        } else {
            self.model = MLP<T>(widths: widths, seed: config.seed)
        }
        m = model.weights.map { [T](repeating: 0, count: $0.count) }
        v = m
        mb = model.biases.map { [T](repeating: 0, count: $0.count) }
        vb = mb
        rng = SeededGenerator(seed: config.seed &+ 0x5EED)
    }

    public var finished: Bool { step >= config.steps }

    /// Runs up to `count` steps; returns the mean loss over them.
    @discardableResult
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public mutating func train(steps count: Int) -> Double {
        let n = min(count, config.steps - step)
        guard n > 0 else { return .nan }
        let b = min(config.batchSize, rows)
        let width = model.widths[0]
        var ws = MLP<T>.Workspace(widths: model.widths, batch: b)
        var gw = model.weights.map { [T](repeating: 0, count: $0.count) }
        var gb = model.biases.map { [T](repeating: 0, count: $0.count) }
        var bx = [T](repeating: 0, count: b * width)
        var by = [T](repeating: 0, count: b)
        var total = 0.0
        for _ in 0..<n {
            for r in 0..<b {
                if cursor == order.count {
                    order = Array(0..<rows)
                    order.shuffle(using: &rng)
                    cursor = 0
                }
                let src = order[cursor]
                cursor += 1
                for c in 0..<width { bx[r * width + c] = x[src * width + c] }
                by[r] = y[src]
            }
            let loss = model.lossAndGradients(bx, by, count: b, ws: &ws, gradW: &gw, gradB: &gb)
            adam(gw, gb)
            losses.append(loss)
            total += loss
        }
        return total / Double(n)
    }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private mutating func adam(_ gw: [[T]], _ gb: [[T]]) {
        step += 1
        let b1 = T(config.beta1)
        let b2 = T(config.beta2)
        let eps = T(config.epsilon)
        // Bias corrections as multipliers: one division per element instead of three.
        let c1 = T(1 / (1 - Foundation.pow(config.beta1, Double(step))))
        let c2 = T(1 / (1 - Foundation.pow(config.beta2, Double(step))))
        let lr = T(config.learningRate)
        func update(_ p: inout [T], _ g: [T], _ m: inout [T], _ v: inout [T]) {
            p.withUnsafeMutableBufferPointer { p in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        g.withUnsafeBufferPointer { g in
                            let n = p.count
                            guard n > 0 else { return }
                            // Float through the C kernel: this loop's square root and division
                            // ran one lane at a time, about 1.5 ms a step over the student's 485k
                            // parameters. The kernel does the same operations in the same order.
                            if T.self == Float.self {
                                func f(_ x: T) -> Float { Float(x) }
                                func fp(_ x: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
                                    UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self)
                                }
                                llmpp_adam_update_f32(
                                    fp(p.baseAddress!),
                                    UnsafeRawPointer(g.baseAddress!).assumingMemoryBound(to: Float.self),
                                    fp(m.baseAddress!), fp(v.baseAddress!), n, f(b1), f(b2), f(c1), f(c2), f(lr), f(eps)
                                )
                                return
                            }
                            for i in 0..<n {
                                m[i] = b1 * m[i] + (1 - b1) * g[i]
                                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                p[i] -= lr * (m[i] * c1) / ((v[i] * c2).squareRoot() + eps)
                            }
                        }
                    }
                }
            }
        }
        for l in 0..<model.layerCount {
            update(&model.weights[l], gw[l], &m[l], &v[l])
            update(&model.biases[l], gb[l], &mb[l], &vb[l])
        }
    }

    /// MSE of the current model over given data.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func loss(inputs: [[Double]], targets: [Double]) -> Double {
        let p = model.predict(inputs)
        return zip(p, targets).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(max(targets.count, 1))
    }
}

extension MLPTrainer {
    struct CheckpointHeader: Codable {
        var step: Int, cursor: Int, order: [Int], rng: SeededGenerator, losses: [Double]
    }

    /// The trainer's progress without its data (the caller rebuilds that from the same
    /// labels): step, batch order, RNG, loss curve, weights and Adam moments. Binary, compact.
    public func checkpoint() throws -> Data {
        var d = try JSONEncoder().encode(
            CheckpointHeader(step: step, cursor: cursor, order: order, rng: rng, losses: losses))
        d.append(0x0A)
        for part in [
            model, MLP<T>(widths: model.widths, weights: m, biases: mb),
            MLP<T>(widths: model.widths, weights: v, biases: vb),
        ] {
            let s = part.serialized()
            withUnsafeBytes(of: Int64(s.count).littleEndian) { d.append(contentsOf: $0) }
            d.append(s)
        }
        return d
    }

    /// Continues from a checkpoint of a trainer built on the same data and configuration.
    public mutating func restore(_ d: Data) throws {
        guard let nl = d.firstIndex(of: 0x0A) else { throw MalformedWeights("no checkpoint header") }
        let h = try JSONDecoder().decode(CheckpointHeader.self, from: d[d.startIndex..<nl])
        var pos = nl + 1
        var parts: [MLP<T>] = []
        for _ in 0..<3 {
            guard pos + 8 <= d.endIndex else { throw MalformedWeights("truncated checkpoint") }
            let n = Int(Int64(littleEndian: d[pos..<(pos + 8)].withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
            pos += 8
            guard n >= 0, pos + n <= d.endIndex else { throw MalformedWeights("truncated checkpoint") }
            parts.append(try MLP<T>(serialized: Data(d[pos..<(pos + n)])))
            pos += n
        }
        guard parts[0].widths == model.widths else { throw MalformedWeights("checkpoint of another network shape") }
        step = h.step
        cursor = h.cursor
        order = h.order
        rng = h.rng
        losses = h.losses
        model = parts[0]
        m = parts[1].weights
        mb = parts[1].biases
        v = parts[2].weights
        vb = parts[2].biases
    }
}

extension MLP {
    init(widths: [Int], weights: [[T]], biases: [[T]]) {
        self.init(widths: widths, seed: 0)
        self.weights = weights
        self.biases = biases
    }
}
