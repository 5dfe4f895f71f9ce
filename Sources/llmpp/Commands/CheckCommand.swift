import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPLLM

/// `llmpp check`: is this space ready, and for what? Loads it, checks the recorded efficiency
/// figures against its formulas on every row, renders one prompt, and says which commands
/// work with which metric, split, evaluator and constraint, and why not otherwise.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check a space (an id or a folder): its recorded figures against the formulas, a sample prompt, and what each command can do with it.",
        discussion:
            "Exits 1 when something is wrong (a figure that disagrees with its formula, a prompt that does not render)."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "Space id, or the path of a space folder (or its space.json).") var space: String

    func run() throws {
        let s = try load()
        var problems = 0
        print(
            "space \(s.id): \(s.title) (\(s.dimensions.count) dimensions, \(formatCount(s.shape.size)) architectures) from \(s.file)"
        )
        problems += try checkRecorded(s)
        problems += checkPrompt(s)
        for line in capabilities(s) { print(line) }
        if problems > 0 {
            print("\(problems) problem\(problems == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
        print("ok")
    }

    func load() throws -> SearchSpace {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: space, isDirectory: &isDir) {
            return isDir.boolValue ? try SpaceLoader.load(directory: space) : try SpaceLoader.load(file: space)
        }
        return try common.loadSpace(space)
    }

    /// The recorded figures, each on every labelled row; returns the number of problems.
    func checkRecorded(_ s: SearchSpace) throws -> Int {
        let checks = try RecordedFigures.check(s)
        if checks.isEmpty {
            print("recorded figures: none (labelled.recorded would let llmpp check the formulas against the data)")
        }
        var problems = 0
        for c in checks {
            if c.mismatchCount == 0 {
                print("recorded \(c.figure): the formula matches all \(c.rows) rows")
                continue
            }
            problems += 1
            print("recorded \(c.figure): the formula differs on \(c.mismatchCount) of \(c.rows) rows, e.g.")
            for m in c.mismatches {
                print(String(format: "  row %d: formula %.10g, recorded %.10g", m.row, m.formula, m.recorded))
            }
        }
        return problems
    }

    /// One prompt of the default split, rendered as the LLM would get it; returns 1 on failure.
    func checkPrompt(_ s: SearchSpace) -> Int {
        guard let l = s.labelled else {
            print("prompt: no labelled architectures: LLM-PP and labelling need demonstrations")
            return 0
        }
        let template: PromptTemplate
        do { template = try PromptTemplate.load(space: s) } catch {
            // No prompts folder is a space without LLM-PP; a folder whose files do not load is
            // a mistake to fix (it passed with exit 0).
            let folder = (s.directory as NSString).appendingPathComponent("prompts")
            guard FileManager.default.fileExists(atPath: folder) else {
                print("prompt: none (\(error)): runs that ask no LLM still work (--switch-at 0, or --labels 0)")
                return 0
            }
            print("prompt: does not load: \(error)")
            return 1
        }
        do {
            let table = s.tables[l.table]
            let seed = l.defaultSplitSeed
            guard let split = l.resolveSplit(seed, rowCount: table.architectures.count), let test = split.test.first
            else {
                print("prompt: split \(seed) has no test architectures")
                return 1
            }
            guard let truth = l.truth[template.settings.demonstration_metric] else {
                print(
                    "prompt: prompt.json's demonstration_metric '\(template.settings.demonstration_metric)' is not a truth metric (has: \(l.metrics.joined(separator: ", ")))"
                )
                return 1
            }
            let demos = try s.demonstrations(split, truth: truth)
            let messages = try PromptBuilder(space: s, template: template).messages(
                demonstrations: demos, test: table.architectures[test])
            let text = messages.map(\.content).joined(separator: "\n")
            print(
                "prompt: renders (split \(seed): \(demos.count) demonstrations, \(text.split(separator: "\n").count) lines, \(text.count) characters); its last lines:"
            )
            for line in text.split(separator: "\n").suffix(4) { print("  " + line) }
            return 0
        } catch {
            print("prompt: does not render: \(error)")
            return 1
        }
    }

    /// What each command can do with this space, and why not otherwise.
    func capabilities(_ s: SearchSpace) -> [String] {
        var out: [String] = []
        if let l = s.labelled {
            let splits =
                l.splits.isEmpty
                ? "drawn at random per integer seed (10 + 20)" : l.splits.map(\.seed).joined(separator: ", ")
            out.append(
                "baselines, predict: metrics \(l.metrics.joined(separator: ", ")) (default \(l.defaultMetric)); splits \(splits) (default \(l.defaultSplitSeed)); \(l.baselines.count) baseline predictor\(l.baselines.count == 1 ? "" : "s")"
            )
        } else {
            out.append("baselines, predict: no (no labelled architectures)")
        }
        if s.cheapEvaluation != nil {
            out.append(
                "search: built-in expensive evaluator: the cheap_evaluation table"
                    + (s.evaluationCost != nil ? ", with recorded costs" : ""))
        } else if let l = s.labelled, !l.baselines.isEmpty {
            out.append(
                "search: built-in expensive evaluator: a surrogate fitted to \(l.baselines.map(\.name).joined(separator: ", ")) (--evaluator-baseline)"
            )
        } else {
            out.append(
                "search: no built-in expensive evaluator: pass --evaluator external --evaluator-cmd CMD (or search distill-only)"
            )
        }
        if let gap = efficiencyGap(s) { out.append(gap) }
        let saved = SavedDevice.names(dataDirectory: common.resolvedDataDirectory, space: s.id)
        let savedText = saved.isEmpty ? "" : "; saved from measurements: \(saved.joined(separator: ", "))"
        if let lat = s.latency {
            out.append(
                "constraints: --latency-ms on \(lat.hardware.joined(separator: ", ")) (default \(lat.defaultHardware))\(savedText); --gflops"
            )
        } else if !saved.isEmpty {
            out.append(
                "constraints: --latency-ms with --hardware \(saved.joined(separator: ", ")) (saved from measurements); --gflops"
            )
        } else {
            out.append("constraints: --gflops only (no latency data; 'llmpp latency --measurements' adds a device)")
        }
        let pools = s.pools.keys.sorted().map { "\($0) (\(s.pool($0)?.count ?? 0))" }
        out.append(
            "labels (LLM-Distill-PP): "
                + (pools.isEmpty ? "drawn from the whole space" : "pool " + pools.joined(separator: ", ")))
        return out
    }

    /// Whether the efficiency formulas score every architecture: a space made from a CSV that
    /// lists part of its grid reads FLOPs from that table, and searches visit the listed
    /// architectures only (they stopped at the first unlisted one while `check` said ok). Other
    /// gaps are tried on 200 architectures drawn at random.
    func efficiencyGap(_ s: SearchSpace) -> String? {
        if let listing = s.listing {
            let size = s.shape.size < 1e15 ? String(Int(s.shape.size)) : String(format: "%.2e", s.shape.size)
            return
                "search: over the \(listing.architectures.count) listed architectures only, not the whole space of \(size): the efficiency formulas read table \(listing.tables.map { "'\($0)'" }.joined(separator: ", ")), and evolution keeps to its rows"
        }
        var g = SeededGenerator(seed: 7)
        let tried = 200
        let missing = (0..<tried).filter { _ in
            let a = s.shape.random(using: &g)
            return (try? s.flops(a)) == nil || (try? s.params(a)) == nil
        }.count
        guard missing > 0 else { return nil }
        return
            "search: NOT over the whole space: the efficiency formulas score only some architectures (\(missing) of \(tried) drawn at random have no value, e.g. not in the table they read); a search proposes such architectures and stops at the first. Predict and baselines work on the listed architectures"
    }
}
