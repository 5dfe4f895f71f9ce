import Foundation

/// In-context calibration by leave-one-out: the predictor answers each demonstration from the
/// other nine, and what it got wrong there corrects its answers on the test architectures.
/// It sees nothing but the split's 10 demonstrations, so the result is still a predictor
/// "fitted on the same 10 points" and is compared with the references on equal terms.
public struct LeaveOneOutCalibration: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable, CaseIterable {
        /// Answers as the predictor gave them.
        case none
        /// Add the median of (truth − answer) over the demonstrations: removes a constant bias
        /// (the median, so that one wild answer cannot move every prediction).
        case shift
        /// Regress truth on answer over the demonstrations (least squares): removes the bias and
        /// stretches answers that are compressed towards the demonstrations' middle.
        case affine
    }

    public let method: Method
    /// The shift or the line's intercept; 0 for `none`.
    public let intercept: Double
    /// The line's slope; 1 for `none` and `shift`.
    public let slope: Double
    /// Demonstrations the predictor answered (a failed answer is left out).
    public let answered: Int

    /// `answers[i]`: the predictor's answer for demonstration i from the others (nil: failed);
    /// `truths[i]`: its score. Fewer than 2 answers leave the predictions as they are.
    public init(method: Method, answers: [Double?], truths: [Double]) {
        let pairs = zip(answers, truths).compactMap { a, t in a.map { ($0, t) } }
        self.method = pairs.count < 2 ? .none : method
        answered = pairs.count
        switch self.method {
        case .none:
            (intercept, slope) = (0, 1)
        case .shift, .affine:
            // A line that would flatten or reverse the answers' order falls back to the shift.
            let line = self.method == .affine ? DemonstrationFits.line(x: pairs.map(\.0), y: pairs.map(\.1)) : nil
            (intercept, slope) =
                line.flatMap { $0.slope > 0 ? $0 : nil } ?? (Metrics.median(pairs.map { $0.1 - $0.0 }), 1)
        }
    }

    /// Demonstration `i` as the question (the test slot) and the others, in their order, as the
    /// demonstrations: what the predictor is asked for each demonstration.
    public static func leaveOut<A>(_ i: Int, of demonstrations: [(A, Double)]) -> (
        test: A, demonstrations: [(A, Double)]
    ) {
        var others = demonstrations
        return (others.remove(at: i).0, others)
    }

    /// A calibrated answer (identity for `none`).
    public func apply(_ value: Double) -> Double { intercept + slope * value }

    /// A calibrated answer kept inside the score's range, as a short decimal (an answer of
    /// 25.35 shifted by −0.4 reads 24.95, not 24.950000000000003).
    public func apply(_ value: Double, within range: ClosedRange<Double>) -> Double {
        ScoreDistribution.decimal(min(max(apply(value), range.lowerBound), range.upperBound))
    }
}
