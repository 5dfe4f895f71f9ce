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
            let resumed = try CLI.run(["search", "--resume", id, "--json"], dataDir: dataDir)
            XCTAssertEqual(resumed.status, 0, resumed.stderr)
            Self.assertSameSearch(try CLI.json(resumed.stdout) as! [String: Any], expected)
        }
    }
}
