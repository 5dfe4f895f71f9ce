/// How a latency model for an unmeasured device is built from its k measurements.
public enum LatencyAdaptationMethod: String, Sendable, Codable, CaseIterable {
    /// (a) HAT's MLP (3 x 400) trained on the k target measurements alone.
    case targetMLP = "target-mlp"
    /// (b) The best-correlated source device's latency, rescaled: y = a s + b.
    case rescale
    /// (b) The same as a power law, fitted on logs: log y = a log s + b (a constant
    /// speed-up ratio is a = 1).
    case logRescale = "log-rescale"
    /// (b) A ridge regression of log y on the log latency of every source device.
    case sourceRidge = "source-ridge"
    /// (b) The source prediction as a feature of a small fit: the best source's log line,
    /// and what it misses fitted by a ridge on the space's features (the penalty chosen by
    /// leave-one-out, so it falls back to the line when the features do not help); with no
    /// source device, a feature ridge.
    case sourceFeatureRidge = "source-feature-ridge"
    /// (b) A fine-tune of the source predictor's output layer: the best source's log line,
    /// and what it misses fitted by a ridge on that predictor's last hidden layer (the
    /// output layer refitted with the source's as its prior); falls back to the feature
    /// ridge when the source is measured, not predicted.
    case fineTune = "fine-tune"
    /// (d) Latency as a linear function of the space's latency terms (layer counts, encoder
    /// and decoder MACs), fitted by a ridge on the k rows, no source device read: a GPU's
    /// latency follows the layers, a CPU's the MACs, and a handful of measurements pins the
    /// few coefficients (a source's predictor, trained on other architectures, carries its
    /// own 6% error into every transfer). Falls back to the feature ridge where the space
    /// names no terms.
    case termsRidge = "terms-ridge"
    /// (d) Whichever of the others has the lowest leave-one-out error on the k measurements.
    case crossValidated = "auto"

    /// The methods `auto` chooses among. The MLP is left out: its leave-one-out costs k
    /// trainings, and on the study's draws it never won (see README, few-shot latency).
    public static let candidates: [LatencyAdaptationMethod] = [
        .rescale, .logRescale, .sourceRidge, .sourceFeatureRidge, .fineTune, .termsRidge,
    ]

    public var needsSources: Bool {
        self == .rescale || self == .logRescale || self == .sourceRidge || self == .fineTune
    }

    public var summary: String {
        switch self {
        case .targetMLP: return "HAT's MLP on the k measurements alone"
        case .rescale: return "best source device rescaled, y = a s + b"
        case .logRescale: return "best source device as a power law, log y = a log s + b"
        case .sourceRidge: return "ridge of log latency on every source device's log latency"
        case .sourceFeatureRidge: return "best source's log line, its residual fitted by a ridge on the features"
        case .fineTune: return "best source's log line, its residual fitted on that predictor's last hidden layer"
        case .termsRidge: return "linear ridge on the space's latency terms (layer counts, MACs)"
        case .crossValidated: return "the method with the lowest leave-one-out error on the measurements"
        }
    }
}
