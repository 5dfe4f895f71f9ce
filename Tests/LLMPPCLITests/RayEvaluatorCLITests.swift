import Foundation
import LLMPPTestSupport
import XCTest

/// A baseline-only search whose expensive evaluations run as Ray tasks on a local instance,
/// through `--evaluator external` exactly as the README shows it.
final class RayEvaluatorCLITests: XCTestCase {
    func testSearchScoredByRayTasks() throws {
        if let reason = RayInstall.skipReason { throw XCTSkip(reason) }
        let r = try CLI.run([
            "search", "--space", "nb201-cifar10", "--switch-at", "0", "--iterations", "2", "--population", "6",
            "--evaluator", "external", "--evaluator-cmd", RayInstall.command("toy_evaluator:score", "--num-cpus 0.5"),
            "--evaluator-timeout", "300", "--json",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(try CLI.json(r.stdout) as? [String: Any], r.stdout)
        XCTAssertEqual(json["labels"] as? Int, 0)
        let evaluations = try XCTUnwrap(json["expensive_evaluations"] as? Int)
        XCTAssertGreaterThanOrEqual(evaluations, 6)
        let generations = try XCTUnwrap(json["generations"] as? [[String: Any]])
        XCTAssertTrue(generations.allSatisfy { $0["scored_by"] as? String == "expensive" }, "\(generations)")
        // The hours are the tasks' own run times (what the protocol's "seconds" carry), not the
        // batches' wall time with Ray's start-up: a toy score takes well under a second each.
        let hours = try XCTUnwrap(json["search_hours"] as? [String: Any])
        let expensive = try XCTUnwrap(hours["expensive"] as? Double)
        XCTAssertLessThan(expensive * 3600, Double(evaluations), "\(hours)")
    }
}
