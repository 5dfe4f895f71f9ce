import Foundation

/// A latency model for one device, fitted on its few measurements by one method.
public struct AdaptedLatencyFit: Sendable {
    enum Model: Sendable {
        case mlp(LatencyPredictor)
        /// y = slope s + intercept on one source device (on logs when `logarithmic`).
        case line(source: Int, slope: Double, intercept: Double, logarithmic: Bool)
        /// log y by ridge over the chosen inputs, plus a log line on one source when given;
        /// the ridge's part kept within `bounds` (see `LatencyAdaptation.ridge`).
        case ridge(DemonstrationFits.Ridge, inputs: RidgeInputs, line: LogLine?, bounds: ClosedRange<Double>)
        /// y itself (not its log) by ridge over the chosen inputs.
        case linear(DemonstrationFits.Ridge, inputs: RidgeInputs)
    }

    /// The method that made the model (for `auto`, the one it chose).
    public let method: LatencyAdaptationMethod
    let model: Model
    /// The source device the line methods rest on, by name.
    public var sourceUsed: String?
    /// The ridge penalty chosen by leave-one-out, for the ridge methods.
    public var lambda: Double?

    /// The source a line rests on, by position.
    var sourceIndex: Int? {
        switch model {
        case .line(let s, _, _, _): return s
        case .ridge(_, _, let line, _): return line?.source
        case .mlp, .linear: return nil
        }
    }

    /// Whether predicting reads the rows' `embeddings`.
    var readsEmbeddings: Bool {
        if case .ridge(_, let inputs, _, _) = model { return inputs.embedding != nil }
        return false
    }

    /// Latencies (ms) of the rows' architectures (their measured latencies are not read).
    public func predict(_ rows: LatencyRows) -> [Double] {
        let raw: [Double]
        switch model {
        case .mlp(let p):
            raw = p.predict(batch: rows.features)
        case .line(let s, let slope, let intercept, let logarithmic):
            raw = rows.sources.map {
                logarithmic ? exp(slope * log(max($0[s], 1e-9)) + intercept) : slope * $0[s] + intercept
            }
        case .ridge(let r, let inputs, let line, let bounds):
            raw = (0..<rows.count).map {
                exp(
                    min(max(r.predict(inputs.row(rows, $0)), bounds.lowerBound), bounds.upperBound)
                        + (line?.value(rows.sources[$0]) ?? 0))
            }
        case .linear(let r, let inputs):
            raw = (0..<rows.count).map { r.predict(inputs.row(rows, $0)) }
        }
        // A latency is positive; a line fitted on few points can cross zero far from them.
        return raw.map { $0.isFinite ? max($0, 1e-6) : 1e-6 }
    }
}

/// log y = slope log s + intercept on one source.
struct LogLine: Sendable {
    var source: Int
    var slope: Double
    var intercept: Double

    init(x: [[Double]], y: [Double], source: Int) {
        self.source = source
        let l = DemonstrationFits.line(x: x.map { log(max($0[source], 1e-9)) }, y: y)
        slope = l.slope
        intercept = l.intercept
    }

    func value(_ sources: [Double]) -> Double { slope * log(max(sources[source], 1e-9)) + intercept }
}

/// Which columns a ridge model reads.
struct RidgeInputs: Sendable {
    var sources = false
    var features = false
    /// The last hidden layer of this source's predictor (a fine-tune of its output layer).
    var embedding: Int? = nil
    /// The space's latency terms.
    var terms = false

    func row(_ rows: LatencyRows, _ i: Int) -> [Double] {
        (sources ? rows.sources[i].map { log(max($0, 1e-9)) } : []) + (features ? rows.features[i] : [])
            + (embedding.flatMap { rows.embeddings[$0]?[i] } ?? []) + (terms ? rows.terms[i] : [])
    }
}
