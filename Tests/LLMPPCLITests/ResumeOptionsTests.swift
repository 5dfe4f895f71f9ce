import Foundation
import LLMPPStore
import XCTest

/// Options given with `--resume`: limits and pace are saved with the run, the rest is refused
/// by name (they used to be ignored without a word: `--iterations` on resume did nothing).
final class ResumeOptionsTests: XCTestCase {
    func savedConfig(_ dir: String, _ run: String) async throws -> [String: Any] {
        let row = try await RunStore(path: dir + "/llmpp.sqlite", create: false).run(run)
        return try JSONSerialization.jsonObject(with: Data(XCTUnwrap(row).config.utf8)) as! [String: Any]
    }

    func testResumeRefusesWhatMakesTheRunAndSavesItsLimits() async throws {
        let dir = NSTemporaryDirectory() + "llmpp-resume-opts-\(UUID().uuidString)"
        let made = try CLI.run(
            [
                "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "2",
                "--population", "8",
                "--json",
            ], dataDir: dir)
        XCTAssertEqual(made.status, 0, made.stderr)
        let run = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any])?["run"] as? String)

        let refused = try CLI.run(
            ["search", "--resume", run, "--iterations", "5", "--population=3", "--max-calls", "4"], dataDir: dir)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(
            refused.stderr.contains("--iterations, --population cannot change when resuming run \(run)"), refused.stderr
        )
        // The run's own space and provider may be said again; another space may not.
        let repeated = try CLI.run(
            ["search", "--resume", run, "--space", "nb201-cifar10", "--provider", "local", "--json"],
            dataDir: dir)
        XCTAssertFalse(repeated.stderr.contains("cannot change when resuming"), repeated.stderr)
        let otherSpace = try CLI.run(["search", "--resume", run, "--space", "hat-wmt14ende"], dataDir: dir)
        XCTAssertTrue(otherSpace.stderr.contains("--space cannot change when resuming run"), otherSpace.stderr)
        // A run that is not there is said first (the flags were judged against it).
        let missing = try CLI.run(["search", "--resume", "nope", "--provider", "openai"], dataDir: dir)
        XCTAssertTrue(missing.stderr.contains("no run 'nope' in "), missing.stderr)
        var config = try await savedConfig(dir, run)
        XCTAssertNil(config["maxCalls"], "a refused resume changed the run")
        XCTAssertEqual((config["evolution"] as? [String: Any])?["iterations"] as? Int, 2)

        let amended = try CLI.run(
            [
                "search", "--resume", run, "--max-calls", "7", "--evaluator-timeout=50", "--pace", "100",
                "--concurrency", "32",
            ], dataDir: dir)
        XCTAssertEqual(amended.status, 0, amended.stderr)
        XCTAssertTrue(
            amended.stderr.contains("budget: 7 LLM calls in all (0 spent, 7 left) (saved with the run)"), amended.stderr
        )
        XCTAssertTrue(amended.stderr.contains("LLM requests in flight: 32"), amended.stderr)
        XCTAssertTrue(amended.stdout.contains("generations scored by: 0-1 "), amended.stdout)
        // The two clocks of the search hours, each named.
        XCTAssertTrue(
            amended.stdout.contains(
                "search hours: LLM 0.000 (wall time of the LLM's calls on this machine) + expensive"),
            amended.stdout)
        config = try await savedConfig(dir, run)
        XCTAssertEqual(config["maxCalls"] as? Int, 7)
        XCTAssertEqual(config["pace"] as? Double, 100)
        XCTAssertEqual((config["evaluator"] as? [String: Any])?["timeout"] as? Double, 50)
        XCTAssertEqual((config["prediction"] as? [String: Any])?["concurrency"] as? Int, 32)
    }

    /// An external evaluator's command with a typo made a run that could never go on: the
    /// command may change on resume (a built-in evaluator's run refuses it by name).
    func testAnEvaluatorCommandCanBeMendedOnResume() async throws {
        let dir = NSTemporaryDirectory() + "llmpp-resume-cmd-\(UUID().uuidString)"
        let script = (CLI.spaces as NSString).deletingLastPathComponent + "/scripts/evaluators/toy_evaluator.py"
        let typo = try CLI.run(
            [
                "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "2",
                "--population", "8", "--evaluator", "external", "--evaluator-cmd", "pyhton3 \(script)",
            ], dataDir: dir)
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("status 127"), typo.stderr)
        let runs = try CLI.json(try CLI.run(["runs", "--json"], dataDir: dir).stdout) as! [[String: Any]]
        let run = try XCTUnwrap(runs.first?["run"] as? String)
        let mended = try CLI.run(
            ["search", "--resume", run, "--evaluator-cmd", "python3 \(script)", "--json"], dataDir: dir)
        XCTAssertEqual(mended.status, 0, mended.stderr)
        XCTAssertTrue(mended.stderr.contains("evaluator command: python3 "), mended.stderr)
        let config = try await savedConfig(dir, run)
        XCTAssertEqual((config["evaluator"] as? [String: Any])?["command"] as? String, "python3 \(script)")

        let builtin = try CLI.run(
            [
                "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "1",
                "--population", "8", "--json",
            ], dataDir: dir)
        let other = try XCTUnwrap((try CLI.json(builtin.stdout) as? [String: Any])?["run"] as? String)
        let refused = try CLI.run(["search", "--resume", other, "--evaluator-cmd", "true"], dataDir: dir)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("this run uses the builtin evaluator"), refused.stderr)
    }

    /// A slow evaluator used to leave the progress silent for up to an hour.
    func testASlowEvaluatorIsShownWaiting() throws {
        let r = try CLI.run([
            "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "1",
            "--population", "4",
            "--evaluator", "external", "--evaluator-cmd", "sleep 60", "--evaluator-timeout", "14",
        ])
        XCTAssertNotEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("waiting for external: sleep 60 ("), r.stderr)
        // Said at the 10 s mark, as "10 s" even when a busy machine prints it later.
        XCTAssertTrue(r.stderr.contains(" architectures): 10 s (timeout 14 s)"), r.stderr)
    }

    /// Resuming in a data directory without a database neither creates one nor hides the cause.
    func testResumeWithoutADatabaseCreatesNothing() throws {
        let dir = NSTemporaryDirectory() + "llmpp-resume-none-\(UUID().uuidString)"
        let r = try CLI.run(["search", "--resume", "search-x"], dataDir: dir)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("no database at \(dir)/llmpp.sqlite"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/llmpp.sqlite"))
    }
}
