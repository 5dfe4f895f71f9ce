import LLMPPLLM

/// What `predict` asked and got: each test architecture's prediction by split (calibrated where
/// a calibration was asked), each split's calibration, and whether the budget stopped it early.
struct PredictionOutcome {
    struct Row {
        var seed: String
        var row: Int
        var prediction: Prediction
    }
    var rows: [Row] = []
    var calibrations: [SplitCalibration] = []
    /// Leave-one-out answers that came from the cache (the test rows' are in their predictions).
    var calibrationCached = 0
    var stoppedForBudget = false

    var failed: [Row] { rows.filter { $0.prediction.value == nil } }
    var cached: Int { rows.reduce(calibrationCached) { $0 + $1.prediction.cachedSamples } }
    var seedsDone: [String] { Array(Set(rows.map(\.seed))).sorted() }
    /// Whether any split's answers were corrected (too few left-out answers leave them as they are).
    var calibrated: Bool { calibrations.contains { $0.calibration.method != .none } }
}
