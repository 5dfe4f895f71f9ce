import Foundation
import LLMPPCore

extension ReproduceReport {
    var hardwareText: [String] {
        latencyLLMText
            + hardware.flatMap { r -> [String] in
                let sources =
                    r.measuredSpace
                    ? "sources \(r.records.first?.sources.joined(separator: ", ") ?? "-") -> each other setting"
                    : "1 source: every ordered pair source -> target of its devices; 2 sources: both other devices -> target"
                var t = TextTable(header: [
                    "sources", "k", "method", "MAPE", "Kendall", "Acc(10%)", "runs", "auto chose",
                ])
                for c in HardwareStudy.cells(r) {
                    t.rows.append([
                        "\(c.sourceCount)", "\(c.k)", c.method.rawValue, fmt(c.mape * 100, 1) + "%", fmt(c.kendall, 3),
                        fmt(c.withinTenPercent * 100, 1) + "%", "\(c.runs)",
                        c.method == .crossValidated
                            ? c.chosen.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }
                                .joined(separator: ", ") : "",
                    ])
                }
                let top = HardwareStudy.ceiling(r)
                t.rows.append([
                    "-", "all", "fully trained MLP (ceiling)", fmt(top.mape * 100, 1) + "%", fmt(top.kendall, 3),
                    fmt(top.withinTenPercent * 100, 1) + "%", "\(top.runs)", "",
                ])
                return [
                    "Few-shot latency on \(r.space) (\(sources); metrics on every other measurement of the target, mean over pairs and draws)",
                    t.render(),
                ] + HardwareStudy.verdicts(r) + [""]
            }
    }

    var latencyLLMText: [String] {
        guard !latencyLLM.isEmpty else { return [] }
        let targets = Set(latencyLLM.map(\.target)).sorted().joined(separator: ", ")
        return [
            "LLM-PP for latency on nb201-cifar10 (\(provider); k = 10 measurements as demonstrations; unseen settings \(targets); every method on the same test architectures)",
            LLMLatencyStudy.table(latencyLLM).render(), "",
        ]
    }

    var hardwareJSON: JSONValue {
        .array(
            hardware.map { r in
                .object([
                    ("space", .string(r.space)),
                    (
                        "cells",
                        .array(
                            HardwareStudy.cells(r).map { c in
                                .object([
                                    ("sources", .number(Double(c.sourceCount))), ("k", .number(Double(c.k))),
                                    ("method", .string(c.method.rawValue)),
                                    ("mape", .number(c.mape)), ("kendall", .number(c.kendall)),
                                    ("acc10", .number(c.withinTenPercent)), ("runs", .number(Double(c.runs))),
                                ])
                            })
                    ),
                    (
                        "ceilings",
                        .object(r.ceilings.keys.sorted().map { k in (k, r.ceilings[k]!.json) })
                    ),
                    ("verdicts", .array(HardwareStudy.verdicts(r).map { .string($0) })),
                ])
            })
    }

    var hardwareCSV: String {
        Self.csv(
            ["space", "sources", "target", "k", "draw", "method", "chosen", "mape", "kendall", "acc10"],
            hardware.flatMap { r in
                r.records.map {
                    [
                        r.space, $0.sources.joined(separator: "+"), $0.target, "\($0.k)", "\($0.draw)",
                        $0.method.rawValue, $0.chosen.rawValue, Self.num($0.accuracy.meanAbsolutePercentageError),
                        Self.num($0.accuracy.kendall), Self.num($0.accuracy.withinTenPercent),
                    ]
                }
            })
    }
}
