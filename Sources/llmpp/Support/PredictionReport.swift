import LLMPPCore
import LLMPPLLM

/// `predict`'s output: every prediction with its truth and distribution, and the quality table
/// of LLM-PP next to the baselines, as JSON or as text tables.
struct PredictionReport {
    let job: PredictionJob
    let outcome: PredictionOutcome
    let run: String
    let provider: any LLMProvider
    let settings: PredictionSettings
    /// Whether the answers were walked digit by digit (else sampled, or greedy).
    let walking: Bool
    /// By metric: LLM-PP first, then the baselines.
    let quality: [String: [PredictorQuality]]

    func json() throws -> JSONValue {
        let q = quality[job.metric]![0]
        return .object([
            ("space", .string(job.space.id)), ("provider", .string(provider.name)), ("model", .string(provider.model)),
            ("display", .string(provider.displayName)), ("run", .string(run)),
            ("split_seeds", .array(outcome.seedsDone.map { .string($0) })), ("metric", .string(job.metric)),
            ("prompt", .string(job.options.summary)), ("samples", .number(Double(settings.samples))),
            ("decode", .string(settings.decode.rawValue)),
            ("decode_detail", .string(settings.decodeSummary(walking: walking))),
            ("prompt_options", promptOptionsJSON),
            (
                "calibration",
                .object([
                    ("method", .string(settings.calibration.rawValue)),
                    ("splits", .array(outcome.calibrations.map(\.json))),
                ])
            ),
            ("mae", .number(q.maeMean)), ("kendall", .number(q.kendallMean)),
            ("failed", .number(Double(outcome.failed.count))), ("cached_samples", .number(Double(outcome.cached))),
            ("budget_exhausted", .bool(outcome.stoppedForBudget)),
            ("predictions", .array(try outcome.rows.map(predictionJSON))),
            ("quality", .object(quality.keys.sorted().map { m in (m, .array(quality[m]!.map(\.json))) })),
        ])
    }

    var promptOptionsJSON: JSONValue {
        .object([
            ("parts", .string(job.options.summary)),
            ("efficiency", .string(EfficiencyLine.text(job.options.efficiency))),
            ("demo_order", .string(job.options.demoOrder.rawValue)),
            ("encoding", .string(job.options.encoding.rawValue)),
        ])
    }

    func predictionJSON(_ r: PredictionOutcome.Row) throws -> JSONValue {
        let p = r.prediction
        return .object([
            ("split_seed", .string(r.seed)), ("arch_id", .string(job.labelled.ids[r.row])),
            ("id", .string(job.space.id(job.table.architectures[r.row]))),
            ("truth", .number(try job.truth(job.metric, r.row))),
            ("predicted", .number(p.value)), ("uncalibrated", .number(p.uncalibrated)),
            ("samples", .array(p.samples.map { .number($0) })),
            // Calibrated like "predicted" (a lone greedy answer is the prediction); "samples" stay
            // as the LLM gave them (a calibrated run's greedy was its raw answer).
            ("greedy", .number(p.distribution?.greedy ?? (walking || p.samples.count != 1 ? nil : p.value))),
            (
                "distribution",
                p.distribution.map { d in
                    .array(d.points.map { .array([.number($0.value), .number($0.probability)]) })
                } ?? .null
            ),
            (
                "interval",
                p.distribution.map { d in .array([.number(d.interval.low), .number(d.interval.high)]) } ?? .null
            ),
            ("call_ids", .array(p.callIDs.map { .number(Double($0)) })), ("error", .string(p.error)),
        ])
    }

    /// The predictions' table, one quality table per metric, the calibrations and a summary line.
    func text() -> String {
        var parts = [predictionsTable().render()]
        for m in job.labelled.metrics {
            parts.append(
                "\n\(m) \(job.space.task.metric) \(seedsNote(outcome.seedsDone))\n"
                    + qualityTable(m).render() + (otherScaleNote(m).map { "\n" + $0 } ?? ""))
        }
        if !outcome.calibrations.isEmpty {
            parts.append("\n" + outcome.calibrations.map(\.summary).joined(separator: "\n"))
        }
        parts.append(
            "\n\(outcome.rows.count) predictions\(SplitCalibration.answersSummary(outcome.calibrations)), \(outcome.failed.count) failed, \(outcome.cached) answered from the cache; run \(run)"
                + (outcome.stoppedForBudget ? "; stopped: budget exhausted" : ""))
        return parts.joined(separator: "\n")
    }

    /// Under a metric the prompt did not show (test BLEU for a prompt of valid BLEU): LLM-PP
    /// predicts the scale it was shown, so its MAE there holds the gap between the two, while
    /// every other row is fitted or shifted on this metric. Said with the demonstrations' gap.
    func otherScaleNote(_ m: String) -> String? {
        guard m != job.metric else { return nil }
        let seeds = Set(outcome.seedsDone)
        let rows = job.splits.filter { seeds.contains($0.seed) }.flatMap(\.train)
        let gaps = rows.compactMap { r in
            (try? job.truth(m, r)).flatMap { t in (try? job.truth(job.metric, r)).map { t - $0 } }
        }
        guard !gaps.isEmpty else { return nil }
        return String(
            format:
                "LLM-PP was shown and predicts %@ %@: its MAE here includes the demonstrations' mean gap (%@ - %@) of %+.2f",
            job.metric, job.space.task.metric, m, job.metric, Metrics.mean(gaps))
    }

    func predictionsTable() -> TextTable {
        var t = TextTable(header: ["seed", "arch", "id", "valid", "test", "predicted", "10-90%", "calls", "note"])
        for r in outcome.rows {
            let p = r.prediction
            t.rows.append([
                r.seed, job.labelled.ids[r.row], job.space.id(job.table.architectures[r.row]),
                fmt(job.labelled.truth["valid"].map { _ in try? job.truth("valid", r.row) } ?? nil),
                fmt(job.labelled.truth["test"].map { _ in try? job.truth("test", r.row) } ?? nil),
                fmt(p.value), p.distribution.map { "\(fmt($0.interval.low))-\(fmt($0.interval.high))" } ?? "",
                p.callIDs.map(String.init).joined(separator: ","),
                p.error
                    ?? ([p.uncalibrated.map { "LLM said \(fmt($0))" }, p.cachedSamples > 0 ? "cached" : nil]
                        .compactMap { $0 }.joined(separator: ", ")),
            ])
        }
        return t
    }

    func qualityTable(_ m: String) -> TextTable {
        var qt = TextTable(header: ["predictor", "MAE", "Kendall"])
        for p in quality[m]! {
            qt.rows.append([p.name] + qualityCells(p, seeds: outcome.seedsDone.count))
        }
        return qt
    }
}
