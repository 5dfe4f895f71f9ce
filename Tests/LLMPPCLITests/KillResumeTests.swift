import Foundation
import XCTest

/// `kill -9` of a real `llmpp search` process, then `--resume`: the result equals an
/// uninterrupted run's, expensive evaluations included.
final class KillResumeTests: XCTestCase {
    /// A search without an LLM whose database grows by a generation at a time.
    static let args = [
        "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "40",
        "--latency-ms", "20", "--hardware", "raspi4", "--seed", "11", "--json",
    ]

    /// Best architecture, expensive evaluations and Pareto front of two `search --json` results.
    static func assertSameSearch(
        _ got: [String: Any], _ expected: [String: Any], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(
            (got["best"] as? [String: Any])?["id"] as? String, (expected["best"] as? [String: Any])?["id"] as? String,
            file: file, line: line)
        XCTAssertEqual(
            got["expensive_evaluations"] as? Int, expected["expensive_evaluations"] as? Int, file: file, line: line)
        XCTAssertEqual(
            (got["pareto"] as? [[String: Any]])?.map { $0["id"] as? String },
            (expected["pareto"] as? [[String: Any]])?.map { $0["id"] as? String },
            file: file, line: line)
    }

    func testKillNineThenResumeGivesTheSameResult() throws {
        let args = Self.args
        let full = try CLI.run(args)
        XCTAssertEqual(full.status, 0, full.stderr)
        let expected = try CLI.json(full.stdout) as! [String: Any]

        for delay in [0.3, 0.6] {
            let dataDir = NSTemporaryDirectory() + "llmpp-kill-\(UUID().uuidString)"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binary)
            p.arguments = args + ["--spaces", CLI.spaces, "--data-dir", dataDir]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let runs = try CLI.json(try CLI.run(["runs", "--json"], dataDir: dataDir).stdout) as! [[String: Any]]
            guard let id = runs.first?["run"] as? String else { continue }  // killed before the run was created
            // Saved as running, but no process holds it: listed as stopped, not running forever.
            XCTAssertEqual(runs.first?["status"] as? String, "stopped")
            let resumed = try CLI.run(["search", "--resume", id, "--json"], dataDir: dataDir)
            XCTAssertEqual(resumed.status, 0, resumed.stderr)
            Self.assertSameSearch(try CLI.json(resumed.stdout) as! [String: Any], expected)
        }
    }

    /// Ctrl-C (SIGINT) pauses the run after its unit in flight, says how to continue and exits
    /// 130; the run is listed as paused and resumes to the uninterrupted result (the default
    /// action ended the process mid-unit, silently, and left the run listed as running).
    func testInterruptSavesTheRunAndSaysHowToContinue() throws {
        let full = try CLI.run(Self.args)
        let expected = try CLI.json(full.stdout) as! [String: Any]
        let dataDir = NSTemporaryDirectory() + "llmpp-int-\(UUID().uuidString)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        // Paced, so that each generation takes a visible while (0.1-0.3 s).
        p.arguments = Self.args + ["--pace", "20000", "--spaces", CLI.spaces, "--data-dir", dataDir]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        // Interrupted once the search is under way.
        let deadline = Date().addingTimeInterval(30)
        var seen = Data()
        while Date() < deadline, !String(decoding: seen, as: UTF8.self).contains("generation 2:") {
            seen += err.fileHandleForReading.availableData
        }
        kill(p.processIdentifier, SIGINT)
        seen += err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stderr = String(decoding: seen, as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("interrupted: saving the run after the unit in flight"), stderr)
        // Each generation's line has the search's count, rate and ETA (it had none).
        XCTAssertTrue(stderr.contains("expensive evaluations so far") && stderr.contains(" · 3/40 · "), stderr)
        XCTAssertTrue(stderr.contains("the run is saved: continue with: llmpp search --resume "), stderr)
        let runs = try CLI.json(try CLI.run(["runs", "--json"], dataDir: dataDir).stdout) as! [[String: Any]]
        XCTAssertEqual(runs.first?["status"] as? String, "paused")
        let id = try XCTUnwrap(runs.first?["run"] as? String)
        let resumed = try CLI.run(["search", "--resume", id, "--pace", "off", "--json"], dataDir: dataDir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        Self.assertSameSearch(try CLI.json(resumed.stdout) as! [String: Any], expected)
    }

    /// A second Ctrl-C quits at once, also while the run waits on an evaluator, and takes the
    /// evaluator with it: it was raised on a thread that blocks it, so the run waited out the
    /// evaluator's timeout (an hour by default), and the evaluator, in a process group of its
    /// own, would have outlived the process.
    func testASecondInterruptQuitsAtOnceAndStopsTheEvaluator() throws {
        let marker = "987.\(Int.random(in: 100...999))"
        let dataDir = NSTemporaryDirectory() + "llmpp-int2-\(UUID().uuidString)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = [
            "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0", "--iterations", "2",
            "--evaluator", "external", "--evaluator-cmd", "sleep \(marker)", "--evaluator-timeout", "20", "--spaces",
            CLI.spaces, "--data-dir",
            dataDir,
        ]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        func evaluatorRunning() -> Bool {
            let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return procs.contains { pid in
                guard Int(pid) != nil, let cmd = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
                    return false
                }
                return cmd == Data("sleep\0\(marker)\0".utf8)
            }
        }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !evaluatorRunning() { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertTrue(evaluatorRunning(), "the evaluator started")
        kill(p.processIdentifier, SIGINT)
        var seen = Data()
        while Date() < deadline, !String(decoding: seen, as: UTF8.self).contains("interrupted") {
            seen += err.fileHandleForReading.availableData
        }
        let second = Date()
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(second), 5, "quit at once")
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(p.terminationStatus, SIGINT)
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertFalse(evaluatorRunning(), "the evaluator went with it")
    }
}
