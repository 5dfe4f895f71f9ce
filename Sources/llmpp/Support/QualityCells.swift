import LLMPPCore

/// A predictor's MAE and Kendall cells: mean ± std over the seeds, or the one seed's value
/// ("0.53 ± 0.00" for a single split read as a spread of zero).
func qualityCells(_ p: PredictorQuality, seeds: Int) -> [String] {
    func cell(_ mean: Double?, _ std: Double?) -> String {
        mean == nil ? "-" : seeds > 1 ? "\(fmt(mean)) ± \(fmt(std))" : fmt(mean)
    }
    return [cell(p.maeMean, p.maeStd), cell(p.kendallMean, p.kendallStd)]
}

/// "(mean ± population std over seeds 123, 456)", or "(seed 123)" for one. The std divides by
/// the number of seeds (numpy's default, as the paper's tables): said, since the sample std
/// of three seeds is about 22% larger.
func seedsNote(_ seeds: [String]) -> String {
    seeds.count == 1
        ? "(seed \(seeds[0]))" : "(mean ± population std over seeds \(seeds.joined(separator: ", ")))"
}
