import LLMPPCore

/// One split's leave-one-out calibration in `predict`: the LLM's answer for each
/// demonstration from the other nine, and the correction computed from them.
struct SplitCalibration {
    var seed: String
    var calibration: LeaveOneOutCalibration
    /// By demonstration; nil where the answer failed (left out of the correction).
    var answers: [Double?]

    var json: JSONValue {
        .object([
            ("split_seed", .string(seed)), ("method", .string(calibration.method.rawValue)),
            ("intercept", .number(calibration.intercept)), ("slope", .number(calibration.slope)),
            ("answers", .array(answers.map { .number($0) })),
        ])
    }

    /// "split 123: leave-one-out shift calibration from 10 of 10 demonstrations: answer x 1.000 - 0.730"
    var summary: String {
        let sign = calibration.intercept < 0 ? "-" : "+"
        return
            "split \(seed): leave-one-out \(calibration.method.rawValue) calibration from \(calibration.answered) of \(answers.count) demonstrations: answer x \(fmt(calibration.slope, 3)) \(sign) \(fmt(abs(calibration.intercept), 3))"
    }

    /// " and 30 leave-one-out answers (2 failed, left out)"; empty without calibration.
    static func answersSummary(_ splits: [SplitCalibration]) -> String {
        let all = splits.flatMap(\.answers)
        guard !all.isEmpty else { return "" }
        let failed = all.filter { $0 == nil }.count
        return " and \(all.count) leave-one-out answers" + (failed > 0 ? " (\(failed) failed, left out)" : "")
    }
}
