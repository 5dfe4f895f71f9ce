import Foundation
import XCTest

/// Typos in a run's options are refused before anything is created or paid for, naming the
/// option and what it accepts (they used to start a run that grew memory without bound,
/// paid for a whole pool, or saved NaN and failed on every resume).
final class OptionBoundsTests: XCTestCase {
    func refused(_ extra: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = NSTemporaryDirectory() + "llmpp-bounds-\(UUID().uuidString)"
        let r = try CLI.run(["search", "--space", "nb201-cifar10"] + extra, dataDir: dir)
        XCTAssertNotEqual(r.status, 0, "\(extra) was accepted", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), "\(extra): \(r.stderr)", file: file, line: line)
        // The message alone: "Usage: llmpp <subcommand>" after it pointed at the wrong command.
        XCTAssertFalse(r.stderr.contains("<subcommand>"), "\(extra): \(r.stderr)", file: file, line: line)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: dir + "/llmpp.sqlite"), "\(extra) created a database", file: file,
            line: line)
    }

    func testNegativeNumbersAreValuesThenRefused() throws {
        try refused(["--population", "-5"], "--population must be in 1...10000, got -5")
        try refused(["--latency-ms", "-5"], "--latency-ms must be a finite number above 0, got -5.0")
        try refused(["--latency-ms=-5"], "--latency-ms must be a finite number above 0, got -5.0")
        try refused(["--train-lr=-1"], "--train-lr must be a number in (0, 1.0], got -1.0")
        try refused(["--evaluator-timeout", "-1"], "--evaluator-timeout must be a finite number above 0, got -1.0")
    }

    func testOutOfRangeAndNonFiniteValues() throws {
        try refused(["--population", "1000000000"], "--population must be in 1...10000, got 1000000000")
        try refused(["--iterations", "100000000"], "--iterations must be in 1...10000, got 100000000")
        try refused(["--train-lr", "1000"], "--train-lr must be a number in (0, 1.0], got 1000.0")
        try refused(["--train-steps", "0"], "--train-steps must be in 1...10000000, got 0")
        try refused(["--train-batch", "0"], "--train-batch must be in 1...65536, got 0")
        try refused(
            ["--latency-ms", "nan", "--hardware", "raspi4"], "--latency-ms must be a finite number above 0, got nan")
        try refused(["--gflops", "inf"], "--gflops must be a finite number above 0, got inf")
        try refused(["--llm-timeout", "0"], "--llm-timeout must be a number of seconds in 0.1...86400, got 0.0")
        // Every request "timed out after 0 s"; an empty model name was sent to the server.
        try refused(
            ["--llm-timeout", "1e-300"], "--llm-timeout must be a number of seconds in 0.1...86400, got 1e-300")
        try refused(["--model", ""], "--model must name a model (it was given empty)")
        try refused(["--labels", "1000000000"], "--labels must be in 0...1000000, got 1000000000")
        try refused(["--max-cost", "nan"], "--max-cost must be a number of dollars >= 0, got nan")
        try refused(["--max-cost=-1"], "--max-cost must be a number of dollars >= 0, got -1.0")
        try refused(["--max-tokens=-5"], "--max-tokens must be >= 0, got -5")
        try refused(
            ["--schedule", "anytime", "--labels-per-generation", "9223372036854775807"],
            "labels per generation must be in 0...1000000, got 9223372036854775807")
        try refused(
            ["--evaluator-env", "HOME"],
            "--evaluator-env takes a provider key (OPENAI_API_KEY, ANTHROPIC_API_KEY), got 'HOME'")
    }

    /// A --data-dir holding a byte that is not UTF-8 wrote to another folder (U+FFFD in its name).
    func testADataDirectoryThatIsNotUTF8IsRefused() throws {
        let parent = NSTemporaryDirectory() + "llmpp-nonutf8-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        // The shell appends the raw byte after the data directory CLI.run passes: the last one counts.
        let r = try CLI.run(["runs"], shellPrefix: "set -- \"$@\" --data-dir \(parent)/d$'\\xff'")
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("--data-dir is not valid UTF-8"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), [], "nothing was created")
    }

    /// A mistyped --hardware without --latency-ms ran the whole search with no latency, exit 0.
    func testAnUnknownHardwareIsNamedWithoutAConstraintToo() throws {
        let r = try CLI.run([
            "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "1",
            "--population", "4", "--hardware", "bogus",
        ])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("no hardware 'bogus' (built in: "), r.stderr)
    }

    /// predict's own options: the ablation step was clamped to 0...6 in silence.
    func testPredictOptionsAreBounded() throws {
        let r = try CLI.run(["predict", "--space", "nb201-cifar10", "--ablation-step", "99"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--ablation-step must be in 0...6, got 99"), r.stderr)
    }

    /// A data directory that is a file, or lies under one, or is empty is named at once (it
    /// failed later with a raw NSCocoaErrorDomain error).
    func testADataDirectoryThatCannotBeOneIsNamed() throws {
        let file = NSTemporaryDirectory() + "llmpp-file-\(UUID().uuidString)"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        for (dir, message) in [
            (file, "--data-dir \(file): \(file) is a file, not a folder"),
            (file + "/sub", "--data-dir \(file)/sub: \(file) is a file, not a folder"),
            ("", "--data-dir is empty"),
        ] {
            let r = try CLI.run(["search", "--space", "nb201-cifar10", "--labels", "0"], dataDir: dir)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
    }

    /// The switch point defaults to half the iterations, and to 0 without labels: a fixed 15
    /// refused `--iterations 10` and `--labels 0` unless --switch-at was given too.
    func testTheSwitchDefaultFollowsTheRun() throws {
        let r = try CLI.run([
            "search", "--space", "nb201-cifar10", "--labels", "0", "--iterations", "2", "--population", "4", "--json",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual((try CLI.json(r.stdout) as? [String: Any])?["switch_at"] as? Int, 0)
        try refused(["--labels", "4", "--iterations", "4", "--switch-at", "9"], "--switch-at must be in 0...4")
    }

    /// `--labels` beyond the pool used to be capped silently (15,605 paid calls on NB201).
    func testLabelsBeyondThePoolSayTheCap() throws {
        try refused(
            ["--labels", "20000"],
            "--labels 20000 is more than the 15605 architectures the pool 'all' holds outside the test split: use at most 15605"
        )
        try refused(
            ["--labels", "10", "--label-pool", "nope"],
            "--label-pool: space 'nb201-cifar10' has no pool 'nope' (has: all)")
    }
}

extension OptionBoundsTests {
    /// `--evaluator-timeout` replaces the fixed hour an external evaluator had per batch.
    func testTheEvaluatorTimeoutIsConfigurable() throws {
        let t0 = Date()
        let r = try CLI.run([
            "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "1",
            "--population", "4", "--evaluator", "external", "--evaluator-cmd", "sleep 60", "--evaluator-timeout", "1",
        ])
        XCTAssertNotEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("gave no complete answer within 1 s and was stopped"), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 30)
    }
}
