import Foundation
import LLMPPCore

extension Engine {
    /// MAE and Kendall on the run's test split: LLM-PP (where phase 1 ran), LLM-Distill-PP
    /// (the student), the baselines and the references, per truth metric.
    public func predictorQuality() throws -> [(String, [PredictorQuality])] {
        guard let l = space.labelled, !testRows.isEmpty else { return [] }
        let table = space.tables[l.table]
        let archs = testRows.map { table.architectures[$0] }
        // The predictions do not depend on the metric they are scored against.
        let calibration = llmppCalibration
        let suffix = Self.suffix(calibration)
        let llmpp = llmppPredictions(of: archs, calibration)
        let studentScores = try studentTestScores(archs, calibration)
        var out: [(String, [PredictorQuality])] = []
        for m in l.metrics {
            guard let truthExpr = l.truth[m] else { continue }
            let truth = try testRows.map { try space.evaluate(truthExpr, table.architectures[$0], row: (l.table, $0)) }
            var list: [PredictorQuality] = []
            let llm = zip(llmpp, truth).compactMap { p, t in p.map { ($0, t) } }
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
            if let p = studentScores {
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
    public func qualityPoints() throws -> [QualityPoint] {
        guard let l = space.labelled, !testRows.isEmpty,
            let metric = l.truth["valid"] != nil ? "valid" : l.metrics.first,
            let truthExpr = l.truth[metric]
        else { return [] }
        let table = space.tables[l.table]
        let archs = testRows.map { table.architectures[$0] }
        let calibration = llmppCalibration
        let llmpp = llmppPredictions(of: archs, calibration)
        let studentScores = try studentTestScores(archs, calibration)
        return try testRows.enumerated().map { i, row in
            QualityPoint(
                archID: space.id(archs[i]), truth: try space.evaluate(truthExpr, archs[i], row: (l.table, row)),
                llmpp: llmpp[i], student: studentScores?[i])
        }
    }
}
