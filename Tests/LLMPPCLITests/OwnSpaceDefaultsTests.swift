import Foundation
import XCTest

/// A user's own space with only what a public benchmark has (a test metric, FLOPs and params,
/// no latency, no cheap evaluation, no baselines, a split column with blank cells) works with
/// the defaults, and every refusal says what to do instead.
final class OwnSpaceDefaultsTests: XCTestCase {
    static let ops = ["conv", "pool", "skip"]
    /// An external evaluator that scores every architecture 70.
    static let evaluator =
        "python3 -c 'import sys, json\nfor l in sys.stdin: print(json.dumps({\"id\": json.loads(l)[\"id\"], \"score\": 70.0}))'"

    /// 4 layers x 3 operations (81 architectures); split 42: 10 train, 20 test, the rest blank.
    static func makeSpaces() throws -> String {
        let root = NSTemporaryDirectory() + "llmpp-own-space-\(UUID().uuidString)"
        let dir = root + "/toy"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        var rows = ["d0,d1,d2,d3,test_acc,mflops,params,split42"]
        var i = 0
        for a in ops {
            for b in ops {
                for c in ops {
                    for d in ops {
                        let genes = [a, b, c, d]
                        let convs = Double(genes.filter { $0 == "conv" }.count)
                        let acc = 60 + 6 * convs + Double(i % 7) * 0.3
                        let split = i < 10 ? "train" : (i < 30 ? "test" : "")
                        rows.append("\(a),\(b),\(c),\(d),\(acc),\(20 + 10 * convs),\(1000 + 500 * convs),\(split)")
                        i += 1
                    }
                }
            }
        }
        try (rows.joined(separator: "\n") + "\n").write(
            toFile: dir + "/data/archs.csv", atomically: true, encoding: .utf8)
        let dims = (0..<4).map { k in
            #"{"name": "d\#(k)", "choices": ["conv", "pool", "skip"], "description": "operation of layer \#(k)"}"#
        }
        let features = (0..<4).flatMap { k in ops.map { o in #""d\#(k) == \"\#(o)\"""# } }
        let space = """
            {"format": 1, "id": "toy", "title": "Toy benchmark",
             "task": {"kind": "image classification", "dataset": "toy", "metric": "accuracy", "metric_key": "accuracy", "unit": "%",
                      "higher_is_better": true, "range": [0, 100]},
             "dimensions": [\(dims.joined(separator: ", "))],
             "efficiency": {"flops": "archs.mflops * 1000000", "params": "archs.params"},
             "features": {"onehot": [\(features.joined(separator: ", "))]},
             "tables": {"archs": {"file": "data/archs.csv", "rows": "architectures"}},
             "labelled": {"table": "archs", "truth": {"test": "archs.test_acc"}, "splits": {"42": "split42"}},
             "pools": {"all": "archs"}}
            """
        try space.write(toFile: dir + "/space.json", atomically: true, encoding: .utf8)
        return root
    }

    func run(_ args: [String], spaces: String) throws -> CLI.Result {
        try CLI.run(args, spaces: spaces)
    }

    func testDefaultsFollowTheSpaceAndRefusalsSayWhatToDo() throws {
        let spaces = try Self.makeSpaces()
        // Blank split cells are "not in this split"; the only metric (test) is the default.
        let baselines = try run(["baselines", "--space", "toy", "--json"], spaces: spaces)
        XCTAssertEqual(baselines.status, 0, baselines.stderr)
        XCTAssertEqual((try CLI.json(baselines.stdout) as? [String: Any])?["metric"] as? String, "test")
        let wrong = try run(["baselines", "--space", "toy", "--metric", "valid"], spaces: spaces)
        XCTAssertTrue(wrong.stderr.contains("no metric 'valid' (has: test): pass --metric test"), wrong.stderr)

        // No built-in expensive evaluator: the error names the way out.
        let noEval = try run(
            ["search", "--space", "toy", "--switch-at", "0", "--iterations", "2", "--population", "10"], spaces: spaces)
        XCTAssertNotEqual(noEval.status, 0)
        XCTAssertTrue(
            noEval.stderr.contains("has no built-in expensive evaluator")
                && noEval.stderr.contains("--evaluator external"), noEval.stderr)
        // No latency: the error points to --gflops.
        let noLatency = try run(["search", "--space", "toy", "--switch-at", "0", "--latency-ms", "5"], spaces: spaces)
        XCTAssertTrue(
            noLatency.stderr.contains("has no latency data") && noLatency.stderr.contains("--gflops"), noLatency.stderr)

        // A baseline-only search with an external evaluator runs as written (no labels, no
        // prompts, no split 123), and the constraint is printed as given.
        let ok = try run(
            [
                "search", "--space", "toy", "--switch-at", "0", "--iterations", "2", "--population", "10", "--gflops",
                "0.055",
                "--evaluator", "external", "--evaluator-cmd", Self.evaluator, "--json",
            ], spaces: spaces)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stderr.contains("GFLOPs <= 0.055"), ok.stderr)
        XCTAssertEqual((try CLI.json(ok.stdout) as? [String: Any])?["labels"] as? Int, 0)
    }

    /// `llmpp check` says what a space can do, and finds a formula that disagrees with the
    /// data's recorded figures (a wrong constant used to load without a word).
    func testCheckReportsCapabilitiesAndWrongFormulas() throws {
        let spaces = try Self.makeSpaces()
        let ok = try CLI.run(["check", "--space", "toy"], spaces: spaces)
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("metrics test (default test); splits 42 (default 42)"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("no built-in expensive evaluator: pass --evaluator external"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("constraints: --gflops only (no latency data; "), ok.stdout)

        // The folder path works too; a recorded figure the formula disagrees with fails the check.
        let file = spaces + "/toy/space.json"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(
            of: #""splits": {"42": "split42"}}"#,
            with: #""splits": {"42": "split42"}, "recorded": {"flops": "archs.mflops * 1000"}}"#)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["check", "--space", spaces + "/toy"], spaces: spaces)
        XCTAssertEqual(bad.status, 1, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stdout.contains("recorded flops: the formula differs on 81 of 81 rows"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("row 2: formula "), bad.stdout)

        // A shipped space: every recorded figure matches and its prompt renders.
        let hat = try CLI.run(["check", "--space", "hat-wmt14ende"])
        XCTAssertEqual(hat.status, 0, hat.stdout + hat.stderr)
        XCTAssertTrue(hat.stdout.contains("recorded flops: the formula matches all 30 rows"), hat.stdout)
        XCTAssertTrue(hat.stdout.contains("prompt: renders (split 123: 10 demonstrations"), hat.stdout)
    }

    /// `llmpp new-space` round trip: generate from a CSV, check, baselines, a search with an
    /// external evaluator, and the prompt the LLM would get.
    func testNewSpaceFromACSVWorksAsWritten() throws {
        let root = NSTemporaryDirectory() + "llmpp-new-space-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/spaces", withIntermediateDirectories: true)
        var rows = ["layer 0,layer 1,layer 2,width,acc,mflops,params"]
        var i = 0
        for a in Self.ops {
            for b in Self.ops {
                for c in Self.ops {
                    for w in [16, 32] {
                        let conv = Double([a, b, c].filter { $0 == "conv" }.count)
                        rows.append(
                            "\(a),\(b),\(c),\(w),\(60 + 5 * conv + Double(w) / 16 + Double(i % 5) * 0.2),\((10 + conv * 8) * Double(w) / 16),\(1000 * w)"
                        )
                        i += 1
                    }
                }
            }
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: root + "/bench.csv", atomically: true, encoding: .utf8)
        let spaces = root + "/spaces"
        let made = try CLI.run(
            [
                "new-space", "--from-csv", root + "/bench.csv", "--id", "bench", "--score", "acc", "--flops", "mflops",
                "--flops-scale", "1e6", "--params", "params",
            ], spaces: spaces)
        XCTAssertEqual(made.status, 0, made.stderr)
        // The commands it prints name the spaces folder given (they pointed at the sample
        // spaces, where this space is not).
        XCTAssertTrue(
            made.stdout.contains("next: llmpp check --space bench --spaces \(spaces) --data-dir "), made.stdout)
        let check = try CLI.run(["check", "--space", "bench"], spaces: spaces)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("prompt: renders (split 42: 10 demonstrations"), check.stdout)
        XCTAssertTrue(check.stdout.contains("MFLOPS: "), check.stdout)
        XCTAssertFalse(check.stdout.contains("MFLOPS: 0.0"), "the FLOPs column's unit was applied: \(check.stdout)")
        XCTAssertFalse(check.stdout.contains("NOT over the whole space"), "the CSV lists the whole grid")
        let baselines = try CLI.run(["baselines", "--space", "bench", "--json"], spaces: spaces)
        XCTAssertEqual(baselines.status, 0, baselines.stderr)
        let search = try CLI.run(
            [
                "search", "--space", "bench", "--switch-at", "0", "--iterations", "2", "--population", "10",
                "--evaluator", "external", "--evaluator-cmd", Self.evaluator, "--json",
            ], spaces: spaces)
        XCTAssertEqual(search.status, 0, search.stderr)
        let failing = try CLI.run(
            [
                "search", "--space", "bench", "--switch-at", "0", "--iterations", "2", "--population", "10",
                "--evaluator", "external", "--evaluator-cmd", "exit 3",
            ], spaces: spaces)
        XCTAssertEqual(failing.status, 1)
        let hint = try XCTUnwrap(failing.stderr.components(separatedBy: "continue with: ").last)
        XCTAssertTrue(hint.hasPrefix("llmpp search --resume search-"), hint)
        XCTAssertTrue(hint.contains(" --spaces \(spaces) --data-dir "), hint)
        // A second run refuses to overwrite; bad columns are named.
        let again = try CLI.run(
            ["new-space", "--from-csv", root + "/bench.csv", "--id", "bench", "--score", "acc"], spaces: spaces)
        XCTAssertTrue(again.stderr.contains("exists: pass --force to replace it"), again.stderr)
        // Replacing a space that has saved devices said nothing of them (they stay, and may no longer fit).
        let dataDir = root + "/data"
        try FileManager.default.createDirectory(atPath: dataDir + "/devices/bench", withIntermediateDirectories: true)
        try "{}".write(toFile: dataDir + "/devices/bench/jetson.json", atomically: true, encoding: .utf8)
        let forced = try CLI.run(
            [
                "new-space", "--from-csv", root + "/bench.csv", "--id", "bench", "--score", "acc", "--flops", "mflops",
                "--flops-scale", "1e6", "--params", "params", "--force",
            ], dataDir: dataDir, spaces: spaces)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(
            forced.stderr.contains(
                "note: 1 device saved for the earlier 'bench' stay in \(dataDir)/devices/bench (jetson)"),
            forced.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dataDir + "/devices/bench/jetson.json"))
        let typo = try CLI.run(
            ["new-space", "--from-csv", root + "/bench.csv", "--id", "other", "--score", "accuracy"], spaces: spaces)
        XCTAssertTrue(
            typo.stderr.contains("--score: the CSV has no column 'accuracy' (has: layer 0, layer 1"), typo.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: spaces + "/other"), "a refused space left a folder")
        // A split without test architectures is named (baselines printed a table of dashes and
        // "20 test architectures per split", exit 0).
        let data = spaces + "/bench/data/archs.csv"
        let csvText = try String(contentsOfFile: data, encoding: .utf8)
        try csvText.replacingOccurrences(of: ",test\n", with: ",\n").write(
            toFile: data, atomically: true, encoding: .utf8)
        let noTests = try CLI.run(["baselines", "--space", "bench"], spaces: spaces)
        XCTAssertNotEqual(noTests.status, 0)
        XCTAssertTrue(noTests.stderr.contains("split '42' has no test architectures"), noTests.stderr)
        try csvText.write(toFile: data, atomically: true, encoding: .utf8)
        // A prompt file that does not load fails the check (it passed with exit 0).
        try "Estimate {{nosuch}}.".write(toFile: spaces + "/bench/prompts/role.txt", atomically: true, encoding: .utf8)
        let broken = try CLI.run(["check", "--space", "bench"], spaces: spaces)
        XCTAssertEqual(broken.status, 1, broken.stdout)
        XCTAssertTrue(broken.stdout.contains("prompt: does not load: "), broken.stdout)
    }

    /// 1,100 binary columns make 2^1100 architectures, more than a Double holds: `check` trapped
    /// converting the size to Int.
    func testCheckSaysTheSizeOfASpaceTooLargeForADouble() throws {
        let root = NSTemporaryDirectory() + "llmpp-huge-space-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/spaces", withIntermediateDirectories: true)
        let columns = (0..<1100).map { "c\($0)" }
        let rows =
            [(["acc"] + columns).joined(separator: ",")]
            + (0..<30).map { r in (["\(60 + r)"] + columns.indices.map { "\(($0 + r) % 2)" }).joined(separator: ",") }
        try (rows.joined(separator: "\n") + "\n").write(toFile: root + "/wide.csv", atomically: true, encoding: .utf8)
        let spaces = root + "/spaces"
        let made = try CLI.run(
            ["new-space", "--from-csv", root + "/wide.csv", "--id", "wide", "--score", "acc"], spaces: spaces)
        XCTAssertEqual(made.status, 0, made.stderr)
        let check = try CLI.run(["check", "--space", "wide"], spaces: spaces)
        XCTAssertNotEqual(check.status, 132, check.stderr)
        XCTAssertTrue(check.stdout.contains("more than 1e308 architectures"), check.stdout + check.stderr)
    }

    /// A space made from a CSV that lists some of its architectures: asking for one it does
    /// not list names the architecture and says why (it said "the architecture is not in
    /// table 'archs'", naming none), and a search keeps to the listed ones (it stopped at the
    /// first unlisted architecture evolution proposed).
    func testAPartialTableSpaceSearchesItsListedArchitectures() throws {
        let root = NSTemporaryDirectory() + "llmpp-partial-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var rows = ["a,b,c,acc,mflops"]
        for i in 0..<40 { rows.append("\(i % 4),\((i / 4) % 4),\(i / 16),\(70 + Double(i) * 0.1),\(100 + i)") }
        try (rows.joined(separator: "\n") + "\n").write(toFile: root + "/p.csv", atomically: true, encoding: .utf8)
        let spaces = root + "/spaces"
        let made = try CLI.run(
            ["new-space", "--from-csv", root + "/p.csv", "--id", "part", "--score", "acc", "--flops", "mflops"],
            spaces: spaces)
        XCTAssertEqual(made.status, 0, made.stderr)
        // `check` says so (it said ok).
        let check = try CLI.run(["check", "--space", "part"], spaces: spaces)
        XCTAssertTrue(
            check.stdout.contains(
                "search: over the 40 listed architectures only, not the whole space of 48: the efficiency formulas read table 'archs'"
            ), check.stdout)
        // Random architectures are listed ones; one asked for by name that is not listed is named.
        let arch = try CLI.run(["arch", "--space", "part", "--random", "30", "--seed", "1"], spaces: spaces)
        XCTAssertEqual(arch.status, 0, arch.stderr)
        let unlisted = root + "/unlisted.csv"
        try "a,b,c\n3,3,2\n".write(toFile: unlisted, atomically: true, encoding: .utf8)
        let named = try CLI.run(["arch", "--space", "part", "--file", unlisted], spaces: spaces)
        XCTAssertEqual(named.status, 1, named.stdout)
        XCTAssertTrue(
            named.stderr.contains("efficiency.flops reads table 'archs', which has no row for the architecture "),
            named.stderr)
        XCTAssertTrue(named.stderr.contains("it lists 40 of the space's 48 architectures"), named.stderr)
        // A search over it runs to the end, every candidate a listed one (its output names them).
        let search = try CLI.run(
            [
                "search", "--space", "part", "--labels", "0", "--switch-at", "0", "--iterations", "8",
                "--population", "12", "--evaluator", "external", "--evaluator-cmd", Self.evaluator, "--json",
            ], spaces: spaces)
        XCTAssertEqual(search.status, 0, search.stderr)
        let best = try XCTUnwrap((try CLI.json(search.stdout) as? [String: Any])?["best"] as? [String: Any])
        XCTAssertNotNil(best["gflops"], search.stdout)
    }
}
