import ArgumentParser
import Foundation
import LLMPPCore

struct SpacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spaces", abstract: "List the search spaces with their sizes and data.")

    @OptionGroup var common: CommonOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let catalog = try common.catalog()
        var rows: [JSONValue] = []
        var table = TextTable(header: [
            "space", "dims", "architectures", "labelled", "splits", "pools", "latency hardware", "title",
        ])
        for id in catalog.ids {
            let s = try catalog.load(id)
            let labelled = s.labelled.map { s.tables[$0.table].architectures.count } ?? 0
            let splits = s.labelled?.splits.map(\.seed) ?? []
            let pools = s.pools.keys.sorted().map { ($0, s.tables[s.pools[$0]!].architectures.count) }
            let hw = s.latency?.hardware ?? []
            rows.append(
                .object([
                    ("id", .string(s.id)), ("title", .string(s.title)),
                    ("dimensions", .number(Double(s.dimensions.count))),
                    ("size", .number(s.shape.size)), ("labelled", .number(Double(labelled))),
                    ("split_seeds", .array(splits.map { .string($0) })),
                    ("pools", .object(pools.map { ($0.0, .number(Double($0.1))) })),
                    (
                        "latency",
                        .object([
                            (
                                "kind",
                                .string(
                                    s.latency.map { $0.isMeasured ? "measured" : "predictor" })
                            ),
                            ("default_hardware", .string(s.latency?.defaultHardware)),
                            ("hardware", .array(hw.map { .string($0) })),
                        ])
                    ),
                    ("metric", .string(s.task.metric)),
                    ("baselines", .array((s.labelled?.baselines ?? []).map { .string($0.name) })),
                ]))
            table.rows.append([
                s.id, "\(s.dimensions.count)", formatCount(s.shape.size), "\(labelled)",
                splits.isEmpty ? "-" : splits.joined(separator: ","),
                pools.map { "\($0.0) \($0.1)" }.joined(separator: ", "),
                hw.count > 4 ? "\(hw.count) devices" : hw.joined(separator: ","), s.title,
            ])
        }
        print(json ? JSONValue.array(rows).rendered(pretty: true) : table.render())
    }
}

func formatCount(_ n: Double) -> String {
    // A space of 2,000 binary columns has 2^2000 architectures: not a Double (it trapped `check`).
    guard n.isFinite else { return "more than 1e308" }
    if n < 1e6 { return String(Int(max(0, n))) }
    return String(format: "%.2e", n)
}
