import ArgumentParser
import Foundation
import LLMPPCore

struct BaselinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baselines",
        abstract: "MAE and Kendall-tau of the supernet baselines on the test architectures, over the split seeds.")

    @OptionGroup var common: CommonOptions
    @Option(help: "Space id.") var space: String
    @Option(
        help:
            "A truth metric of the space, e.g. valid or test (default: valid where the space has it, else its only metric)."
    ) var metric: String?
    @Option(name: .customLong("split-seed"), help: "One split seed (default: all, mean and std over them).")
    var splitSeed: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let s = try common.loadSpace(space)
        let metric = metric ?? s.labelled?.defaultMetric ?? "valid"
        let q = try BaselineReport.compute(space: s, metric: metric, seeds: splitSeed.map { [$0] })
        if json {
            print(
                JSONValue.object([
                    ("space", .string(s.id)), ("metric", .string(metric)),
                    ("predictors", .array(q.map(\.json))),
                ]).rendered(pretty: true))
            return
        }
        let seeds = q.first?.perSeed.map(\.seed) ?? []
        // Counted, not typed in (it said 20 whatever the splits held).
        let rows = s.labelled.map { s.tables[$0.table].architectures.count } ?? 0
        let counts = Set(seeds.compactMap { s.labelled?.resolveSplit($0, rowCount: rows)?.test.count })
        let tests = counts.count == 1 ? "\(counts.first!)" : counts.sorted().map(String.init).joined(separator: "-")
        print(
            "\(s.title): \(metric) \(s.task.metric), \(tests) test architectures per split \(seedsNote(seeds))\n"
        )
        var t = TextTable(header: ["predictor", "MAE", "Kendall"])
        for p in q {
            t.rows.append([p.name] + qualityCells(p, seeds: seeds.count))
        }
        print(t.render())
    }
}
