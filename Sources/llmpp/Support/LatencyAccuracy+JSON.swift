import LLMPPCore

extension LatencyAccuracy {
    /// MAPE, Kendall and Acc(10%) as the reports' JSON writes them (JSONValue writes a
    /// non-finite number as null).
    var json: JSONValue {
        .object([
            ("mape", .number(meanAbsolutePercentageError)), ("kendall", .number(kendall)),
            ("acc10", .number(withinTenPercent)),
        ])
    }
}
