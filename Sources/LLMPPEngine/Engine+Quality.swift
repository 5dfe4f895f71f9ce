import Foundation
import LLMPPCore

/// The run's test architectures with what LLM-PP and the student predict of them, corrected by
/// the run's calibration where it has one: what the quality table and the scatter both score.
struct TestSplitPredictions {
    var calibration: LeaveOneOutCalibration?
    /// By test row; nil where LLM-PP has no answer.
    var llmpp: [Double?]
    /// By test row; nil without a student.
    var student: [Double]?
}

extension Engine {
    /// MAE and Kendall on the run's test split: LLM-PP (where phase 1 ran), LLM-Distill-PP
    /// (the student), the baselines and the references, per truth metric.
    public func predictorQuality() throws -> [(String, [PredictorQuality])] {
        try predictorQuality(testSplitPredictions())
    }

    func predictorQuality(_ predictions: TestSplitPredictions?) throws -> [(String, [PredictorQuality])] {
        guard let l = space.labelled, let predictions else { return [] }
        let suffix = Self.suffix(predictions.calibration)
        var out: [(String, [PredictorQuality])] = []
        for m in l.metrics {
            guard let truthExpr = l.truth[m] else { continue }
            let truth = try testTruth(truthExpr)
            var list: [PredictorQuality] = []
            let llm = zip(predictions.llmpp, truth).compactMap { p, t in p.map { ($0, t) } }
            if !llm.isEmpty {
                list.append(
                    PredictorQuality(
                        name: "LLM-PP" + suffix,
                        perSeed: [
                            (
                                config.splitSeed, Metrics.mae(llm.map(\.0), llm.map(\.1)),
                                Metrics.kendallTau(llm.map(\.0), llm.map(\.1))
                            )
                        ]))
            }
            if let p = predictions.student {
                list.append(
                    PredictorQuality(
                        name: "LLM-Distill-PP" + suffix,
                        perSeed: [(config.splitSeed, Metrics.mae(p, truth), Metrics.kendallTau(p, truth))]))
            }
            // Test rows exist only where the run's split resolved (RunPlan), listed or drawn.
            list += try BaselineReport.compute(space: space, metric: m, seeds: [config.splitSeed])
            out.append((m, list))
        }
        return out
    }
}

extension Engine {
    /// " (shift-calibrated)" after the LLM rows' names where a calibration applied.
    static func suffix(_ calibration: LeaveOneOutCalibration?) -> String {
        guard let c = calibration, c.method != .none else { return "" }
        return " (\(c.method.rawValue)-calibrated)"
    }

    /// The test architectures' predictions, computed once for the table and the scatter (the
    /// student's forward pass and the calibration do not depend on the metric); nil without a
    /// test split.
    func testSplitPredictions() throws -> TestSplitPredictions? {
        guard let l = space.labelled, !testRows.isEmpty else { return nil }
        let archs = testRows.map { space.tables[l.table].architectures[$0] }
        let calibration = llmppCalibration
        return TestSplitPredictions(
            calibration: calibration, llmpp: llmppPredictions(of: archs, calibration),
            student: try studentTestScores(archs, calibration))
    }

    /// Each test row's truth under `truth`.
    func testTruth(_ truth: CompiledExpression) throws -> [Double] {
        guard let l = space.labelled else { return [] }
        return try testRows.map {
            try space.evaluate(truth, space.tables[l.table].architectures[$0], row: (l.table, $0))
        }
    }

    /// LLM-PP's predictions of these architectures (nil where it has none), corrected by the
    /// run's calibration where it has one.
    func llmppPredictions(of archs: [Architecture], _ calibration: LeaveOneOutCalibration?) -> [Double?] {
        archs.map { a in
            state.llmppPredictions[space.id(a)].map { v in calibration?.apply(v, within: scoreRange) ?? v }
        }
    }

    /// The student's scores of the test architectures, corrected by LLM-PP's calibration where
    /// the run has one: it learned the same LLM's answers, bias included.
    func studentTestScores(_ archs: [Architecture], _ calibration: LeaveOneOutCalibration?) throws -> [Double]? {
        guard let student else { return nil }
        let scores = try student.predict(archs, in: space)
        guard let c = calibration else { return scores }
        return scores.map { c.apply($0, within: scoreRange) }
    }
}

/// One test architecture of the run's split: its truth and what each predictor said.
public struct QualityPoint: Sendable, Equatable {
    public var archID: String
    public var truth: Double
    public var llmpp: Double?
    public var student: Double?
    public init(archID: String, truth: Double, llmpp: Double?, student: Double?) {
        self.archID = archID
        self.truth = truth
        self.llmpp = llmpp
        self.student = student
    }
}

extension Engine {
    /// Predicted vs truth on the test split for the demonstrations' metric (valid where the
    /// space has it), for the quality pane's scatter and the inspector's truth mark.
    public func qualityPoints() throws -> [QualityPoint] { try qualityPoints(testSplitPredictions()) }

    func qualityPoints(_ predictions: TestSplitPredictions?) throws -> [QualityPoint] {
        guard let l = space.labelled, let predictions,
            let metric = l.truth["valid"] != nil ? "valid" : l.metrics.first,
            let truthExpr = l.truth[metric]
        else { return [] }
        let truth = try testTruth(truthExpr)
        return testRows.indices.map { i in
            QualityPoint(
                archID: space.id(space.tables[l.table].architectures[testRows[i]]), truth: truth[i],
                llmpp: predictions.llmpp[i], student: predictions.student?[i])
        }
    }
}
