import LLMPPCore

/// What `latency --measurements` did: the leave-one-out accuracy of each method that could
/// run, the one saved, and where.
struct AdaptationReport {
    var space: String
    var name: String
    var file: String
    var path: String
    var measurements: Int
    var method: LatencyAdaptationMethod
    var chosen: LatencyAdaptationMethod
    var basis: String
    var scored: [(LatencyAdaptationMethod, LatencyAccuracy)]
    /// The folders named on the command line, for the command it suggests.
    var folders = ResumeHint.Folders()

    var json: JSONValue {
        .object([
            ("space", .string(space)), ("hardware", .string(name)), ("file", .string(path)),
            ("measurements", .number(Double(measurements))), ("method", .string(method.rawValue)),
            ("chosen", .string(chosen.rawValue)), ("basis", .string(basis)),
            (
                "leave_one_out",
                .object(scored.map { (m, a) in (m.rawValue, a.json) })
            ),
        ])
    }

    /// `auto` saves the row with the lowest error: chosen by the same errors it is shown with,
    /// that figure is the best of several tries on a few rows, so optimistic.
    var choiceNote: String {
        method == .crossValidated && scored.count > 1
            ? "\nThe saved method is the lowest of these \(scored.count) errors on the same \(measurements) rows: its own figure is optimistic."
            : ""
    }

    var text: String {
        var t = TextTable(header: ["method", "leave-one-out MAPE", "Kendall", "Acc(10%)", ""])
        for (m, a) in scored {
            t.rows.append([
                m.rawValue, fmt(a.meanAbsolutePercentageError * 100, 1) + "%", fmt(a.kendall, 3),
                fmt(a.withinTenPercent * 100, 0) + "%", m == chosen ? "<- saved" : "",
            ])
        }
        return """
            \(name) on \(space) from \(measurements) measurements in \(file)
            \(t.render())

            Saved \(path): \(basis).
            Each row: the method fitted on all but one measurement, judged on that one (a guide, not a promise:
            with few rows the error on new architectures is usually larger).\(choiceNote)
            Use it: llmpp search --space \(space) --hardware \(name) --latency-ms MS\(folders.flags)
            """
    }
}
