import LLMPPCore

extension Prediction {
    /// The prediction corrected by a leave-one-out calibration, kept inside the score's range;
    /// the answer as the LLM gave it stays in `uncalibrated`.
    public func calibrated(_ calibration: LeaveOneOutCalibration, range: ClosedRange<Double>) -> Prediction {
        guard calibration.method != .none, let v = value else { return self }
        let clamp = { (x: Double) in calibration.apply(x, within: range) }
        var p = self
        p.uncalibrated = v
        p.value = clamp(v)
        p.distribution = distribution?.mapped(clamp)
        return p
    }
}
