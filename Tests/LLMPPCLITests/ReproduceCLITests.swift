import Foundation
import LLMPPTestSupport
import XCTest

/// `llmpp reproduce` as a user runs it, with the in-test OpenAI-protocol LLM: JSON, the
/// readable table, the CSVs and SVGs, and a rerun answered from the cache.
final class ReproduceCLITests: XCTestCase {
    func testReproduceSearchWritesTablesCSVsAndPlotsAndRerunsFromTheCache() throws {
        let server = try FaultTests.llmServer(delay: 0)
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "llmpp-repro-\(UUID().uuidString)"
        let out = dataDir + "/out"
        let args = [
            "reproduce", "--parts", "search", "--provider", "openai", "--model", "test-llm", "--search-labels", "20",
            "--search-seeds", "2", "--iterations", "4", "--population", "20", "--train-steps", "40", "--out", out,
            "--json",
        ]
        let r = try CLI.run(args, dataDir: dataDir, environment: FaultTests.env(server))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requestCount, 20)
        let j = try CLI.json(r.stdout) as! [String: Any]
        let search = try XCTUnwrap(j["search"] as? [String: Any])
        XCTAssertEqual(search["hardware"] as? String, "raspi4")
        let modes = try XCTUnwrap(search["modes"] as? [[String: Any]])
        XCTAssertEqual(modes.map { $0["mode"] as? String }, ["hybrid", "baseline only", "distill only"])
        XCTAssertEqual(modes.map { ($0["runs"] as? [Any])?.count }, [2, 2, 2])
        XCTAssertEqual(modes[2]["expensive_evaluations_mean"] as? Double, 0)
        for f in ["search.csv", "search-trace.csv", "pareto.csv", "pareto-fronts.svg", "truth-vs-expensive.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/" + f), f)
        }
        let csv = try String(contentsOfFile: out + "/search.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 1 + 6)

        let again = try CLI.run(Array(args.dropLast()), dataDir: dataDir, environment: FaultTests.env(server))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(server.requestCount, 20, "a rerun asks the LLM nothing")
        XCTAssertTrue(again.stdout.contains("hybrid"), again.stdout)
        XCTAssertTrue(again.stdout.contains("regret"), again.stdout)

        let bad = try CLI.run(["reproduce", "--parts", "everything"], dataDir: dataDir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown part"), bad.stderr)
    }

    /// The predictor table asks the paper's prompt unless told otherwise, and says which prompt it asked.
    func testReproducePredictorsTakesThePromptFlagsAndRecordsThePrompt() throws {
        let prompts = ReceivedPrompts()
        let server = try prompts.server(answering: "{\"bleu\": 25}")
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "llmpp-repro-prompt-\(UUID().uuidString)"
        let args = [
            "reproduce", "--parts", "predictors", "--tasks", "hat-wmt14ende", "--split-seeds", "123", "--labels", "0",
            "--provider", "openai", "--model", "test-llm", "--json",
        ]
        let env = ["OPENAI_BASE_URL": server.baseURL.absoluteString, "OPENAI_API_KEY": ""]
        let paper = try CLI.run(args, dataDir: dataDir, environment: env)
        XCTAssertEqual(paper.status, 0, paper.stderr)
        XCTAssertTrue(
            ((try CLI.json(paper.stdout) as! [String: Any])["prompt"] as? String ?? "").hasSuffix(
                "efficiency gflops; order data; encoding lines"), paper.stdout)
        XCTAssertEqual(prompts.all.count, 20)
        XCTAssertFalse(prompts.all.contains { $0.contains("Parameters:") }, "the paper shows GFLOPs only")
        // reproduce answers greedily unless told otherwise, unlike the local model's default
        // elsewhere: the run and --help say so (a study once read as walked labels was greedy).
        XCTAssertTrue(paper.stderr.contains("decode greedy, calibration none"), paper.stderr)
        let help = try CLI.run(["reproduce", "--help"], dataDir: dataDir, environment: env)
        let helpText = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(helpText.contains("reproduce: greedy"), help.stdout)

        let sized = try CLI.run(
            args + ["--efficiency", "gflops,params", "--demo-order", "efficiency"], dataDir: dataDir, environment: env)
        XCTAssertEqual(sized.status, 0, sized.stderr)
        XCTAssertTrue(
            ((try CLI.json(sized.stdout) as! [String: Any])["prompt"] as? String ?? "").hasSuffix(
                "efficiency gflops,params; order efficiency; encoding lines"), sized.stdout)
        let asked = prompts.all.dropFirst(20)
        XCTAssertEqual(asked.count, 20, "a new prompt is a new question")
        XCTAssertTrue(asked.allSatisfy { $0.contains("Parameters:") })

        let bad = try CLI.run(args + ["--efficiency", "watts"], dataDir: dataDir, environment: env)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertEqual(prompts.all.count, 40, "nothing asked")
    }

    /// Issue 11's comparison: anytime vs paper at the same and at 3x the labels, baseline only,
    /// with search hours that count cached labels at what they cost when they were paid.
    func testReproduceScheduleComparesAnytimeWithPaperAndCountsHours() throws {
        let server = try FaultTests.llmServer(delay: 0)
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "llmpp-repro-sched-\(UUID().uuidString)"
        let out = dataDir + "/out"
        let r = try CLI.run(
            [
                "reproduce", "--parts", "schedule", "--provider", "openai", "--model", "test-llm", "--schedule-budgets",
                "30",
                "--search-seeds", "2", "--iterations", "10", "--population", "20", "--train-steps", "40",
                "--schedule-switches", "8", "--out", out, "--json",
            ],
            dataDir: dataDir, environment: FaultTests.env(server))
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try CLI.json(r.stdout) as! [String: Any]
        let search = try XCTUnwrap(j["search"] as? [String: Any])
        let modes = try XCTUnwrap(search["schedule"] as? [[String: Any]])
        XCTAssertEqual(
            modes.map { $0["mode"] as? String },
            ["paper 30", "anytime 30", "paper 90", "paper 30, switch 8", "baseline only"])
        XCTAssertEqual(modes.map { $0["schedule"] as? String }, ["paper", "anytime", "paper", "paper", "paper"])
        XCTAssertEqual(modes.map { $0["labels_mean"] as? Double }, [30, 30, 90, 30, 0])
        XCTAssertEqual(modes.map { $0["switch_at"] as? Int }, [5, 5, 5, 8, 0])
        // A later switch: the same labels (paid once), fewer expensive evaluations.
        XCTAssertLessThan(
            modes[3]["expensive_evaluations_mean"] as? Double ?? .infinity,
            modes[0]["expensive_evaluations_mean"] as? Double ?? 0)
        // The second paper seed's labels come from the cache; their hours still count.
        let paperRuns = try XCTUnwrap(modes[0]["runs"] as? [[String: Any]])
        XCTAssertEqual(paperRuns.count, 2)
        for run in paperRuns { XCTAssertGreaterThan(run["hours_llm"] as? Double ?? 0, 0, "\(run)") }
        XCTAssertEqual((modes[4]["runs"] as? [[String: Any]])?.first?["hours_llm"] as? Double, 0)
        XCTAssertGreaterThan(modes[4]["hours_expensive_mean"] as? Double ?? 0, 0)
        let verdicts = try XCTUnwrap(search["schedule_verdicts"] as? [String])
        XCTAssertTrue(
            verdicts.contains { $0.hasPrefix("anytime 30 vs paper with the same 30 labels: test truth") }, "\(verdicts)"
        )
        XCTAssertTrue(verdicts.contains { $0.hasPrefix("anytime 30 vs paper with 3x (90) labels") }, "\(verdicts)")
        XCTAssertTrue(
            verdicts.contains { $0.hasPrefix("paper 30: ") && $0.contains("of baseline only's hours") }, "\(verdicts)")
        XCTAssertTrue(
            verdicts.contains { $0.hasPrefix("paper 30, switch 8: ") && $0.contains("of baseline only's hours") },
            "\(verdicts)")
        XCTAssertTrue(
            verdicts.last?.hasPrefix("hybrid hours at most 50% of baseline only's at equal truth: ") == true,
            "\(verdicts)")
        let csv = try String(contentsOfFile: out + "/schedule.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 1 + 10)
    }

    /// A HAT task has no truth of the architectures a search visits (30 trained ones only): the
    /// schedule comparison judges picks by the surrogate the search's expensive evaluator is,
    /// says so, and compares expensive evaluations where no cost is recorded.
    func testReproduceScheduleOnHATJudgesBySurrogateAndSaysSo() throws {
        let server = try FaultTests.llmServer(delay: 0)
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "llmpp-repro-hat-\(UUID().uuidString)"
        let out = dataDir + "/out"
        let r = try CLI.run(
            [
                "reproduce", "--parts", "schedule", "--search-space", "hat-wmt14ende", "--provider", "openai",
                "--model", "test-llm", "--schedule-budgets", "12", "--search-seeds", "1", "--iterations", "6",
                "--population", "16", "--train-steps", "40", "--out", out, "--json",
            ],
            dataDir: dataDir, environment: FaultTests.env(server))
        XCTAssertEqual(r.status, 0, r.stderr)
        let search = try XCTUnwrap((try CLI.json(r.stdout) as? [String: Any])?["search"] as? [String: Any])
        XCTAssertEqual(search["space"] as? String, "hat-wmt14ende")
        XCTAssertEqual(search["judged_by"] as? String, "surrogate of Neuron-wise MoS")
        let modes = try XCTUnwrap(search["schedule"] as? [[String: Any]])
        XCTAssertEqual(modes.map { $0["mode"] as? String }, ["paper 12", "anytime 12", "paper 36", "baseline only"])
        for m in modes { XCTAssertNotNil(m["truth_test_mean"] as? Double, "\(m)") }
        let verdicts = try XCTUnwrap(search["schedule_verdicts"] as? [String])
        XCTAssertTrue(verdicts.contains { $0.hasPrefix("anytime 12 vs paper with the same 12 labels: test surrogate") })
        XCTAssertTrue(verdicts.contains { $0.hasPrefix("no recorded cost of an expensive evaluation here") })
        XCTAssertTrue(
            verdicts.last?.hasPrefix("hybrid expensive evaluations at most 50% of baseline only's at equal surrogate: ")
                == true, "\(verdicts)")
        let csv = try String(contentsOfFile: out + "/schedule.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 1 + 4)
        XCTAssertTrue(csv[1].hasSuffix(",,surrogate of Neuron-wise MoS"), "no recorded hours: \(csv[1])")
    }
}
