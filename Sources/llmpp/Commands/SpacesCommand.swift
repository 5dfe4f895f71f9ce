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
        var broken: [(id: String, error: String)] = []
        for id in catalog.ids {
            // One broken folder is named, not allowed to hide the others (it failed the listing).
            let s: SearchSpace
            do { s = try catalog.load(id) } catch {
                broken.append((id, "\(error)"))
                rows.append(.object([("id", .string(id)), ("error", .string("\(error)"))]))
                table.rows.append([
                    id, "-", "-", "-", "-", "-", "-",
                    "cannot be read: llmpp check --space \(id)\(common.namedFolders.flags)",
                ])
                continue
            }
            let labelled = s.labelled.map { s.tables[$0.table].architectures.count } ?? 0
            let splits = s.labelled?.splits.map(\.seed) ?? []
            let pools = s.pools.keys.sorted().map { ($0, s.tables[s.pools[$0]!].architectures.count) }
            let saved = SavedDevice.names(dataDirectory: common.resolvedDataDirectory, space: s.id)
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
                            ("saved_devices", .array(saved.map { .string($0) })),
                        ])
                    ),
                    ("metric", .string(s.task.metric)),
                    ("baselines", .array((s.labelled?.baselines ?? []).map { .string($0.name) })),
                ]))
            table.rows.append([
                s.id, "\(s.dimensions.count)", formatCount(s.shape.size), "\(labelled)",
                splits.isEmpty ? "-" : splits.joined(separator: ","),
                pools.map { "\($0.0) \($0.1)" }.joined(separator: ", "),
                Self.hardwareCell(builtIn: hw, saved: saved), s.title,
            ])
        }
        print(json ? JSONValue.array(rows).rendered(pretty: true) : table.render())
        for b in broken { StandardError.line("error: space '\(b.id)' cannot be read: \(b.error)") }
        if !broken.isEmpty { throw ExitCode(1) }
    }

    /// "raspi4,titanxp + 2 saved" ("27 devices" where many are built in).
    static func hardwareCell(builtIn hw: [String], saved: [String]) -> String {
        let listed = hw.count > 4 ? "\(hw.count) devices" : hw.joined(separator: ",")
        guard !saved.isEmpty else { return listed }
        let mine = saved.count > 2 ? "\(saved.count) saved" : saved.joined(separator: ",") + " (saved)"
        return listed.isEmpty ? mine : listed + " + " + mine
    }
}

func formatCount(_ n: Double) -> String {
    // A space of 2,000 binary columns has 2^2000 architectures: not a Double (it trapped `check`).
    guard n.isFinite else { return "more than 1e308" }
    if n < 1e6 { return String(Int(max(0, n))) }
    return String(format: "%.2e", n)
}
