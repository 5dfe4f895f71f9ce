import Foundation
import LLMPPCore
import LLMPPTestSupport
import XCTest

@testable import LLMPPEngine

/// scripts/evaluators/ray_evaluator.py on a local Ray instance (ray from PyPI, installed by
/// scripts/setup): each architecture one Ray task, behind the same protocol and errors as any
/// external evaluator. Each batch starts and stops its own local instance (a few seconds).
final class RayEvaluatorTests: XCTestCase {
    override func setUpWithError() throws {
        if let reason = RayInstall.skipReason { throw XCTSkip(reason) }
        XCTAssertTrue(
            FileManager.default.isExecutableFile(atPath: RayInstall.python),
            "no Ray at \(RayInstall.python): run scripts/setup (or scripts/setup-ray)")
    }

    private func batch(_ n: Int) throws -> (SearchSpace, [Architecture]) {
        let space = try Repo.space("nb201-cifar10")
        var rng = SeededGenerator(seed: 14)
        return (space, (0..<n).map { _ in space.shape.random(using: &rng) })
    }

    private func evaluator(_ command: String, _ space: SearchSpace, timeout: Double = 120) -> ExternalEvaluator {
        let log = NSTemporaryDirectory() + "llmpp-ray-\(UUID().uuidString)/evaluator.log"
        return ExternalEvaluator(command: command, space: space, timeout: timeout, logPath: log)
    }

    /// The error a batch ends with, as the run would show it.
    private func failure(
        _ command: String, _ space: SearchSpace, _ archs: [Architecture], timeout: Double = 120
    ) async -> String {
        do {
            _ = try await evaluator(command, space, timeout: timeout).evaluate(archs)
            return "no error"
        } catch { return "\(error)" }
    }

    /// Scores are the function's (the toy evaluator's, computed here by the plain script), each
    /// with its task's run time; a function's own `seconds` replace it.
    func testScoresAndSecondsFromRayTasks() async throws {
        let (space, archs) = try batch(4)
        let toy = "python3 \(Repo.root)/scripts/evaluators/toy_evaluator.py"
        let expected = try await ExternalEvaluator(command: toy, space: space, timeout: 30).evaluate(archs)
        let costed = try await evaluator(RayInstall.command("toy_evaluator:score"), space).evaluateCosted(archs)
        XCTAssertEqual(costed.scores.count, 4)
        for (got, want) in zip(costed.scores, expected) { XCTAssertEqual(got, want, accuracy: 1e-4) }
        let seconds = try XCTUnwrap(costed.seconds)
        XCTAssertTrue(seconds.allSatisfy { $0 >= 0 && $0 < 60 }, "\(seconds)")

        let declared = try await evaluator(RayInstall.command("ray_fault_tasks:with_seconds"), space)
            .evaluateCosted(archs)
        XCTAssertEqual(declared.seconds, [3600, 3600, 3600, 3600])
    }

    /// A worker lost mid-task is run again (Ray's retry of system failures); with no retries the
    /// batch fails with Ray's reason, shown in the error with the log it came from.
    func testLostWorkersAreRetriedAndOtherwiseNamed() async throws {
        let (space, archs) = try batch(3)
        let faults = NSTemporaryDirectory() + "llmpp-ray-faults-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: faults, withIntermediateDirectories: true)
        let retried = try await evaluator(
            "RAY_FAULTS_DIR=\(faults) " + RayInstall.command("ray_fault_tasks:lose_worker_once"), space
        ).evaluate(archs)
        let toy = try await evaluator(RayInstall.command("toy_evaluator:score"), space).evaluate(archs)
        XCTAssertEqual(retried, toy)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: faults).count, 3, "each task lost once")

        let fresh = faults + "/again"
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        let noRetry = await failure(
            "RAY_FAULTS_DIR=\(fresh) " + RayInstall.command("ray_fault_tasks:lose_worker_once", "--max-retries 0"),
            space, archs)
        XCTAssertTrue(noRetry.contains("exited with status 2: ray_evaluator: "), noRetry)
        XCTAssertTrue(noRetry.contains("failed: WorkerCrashedError"), noRetry)
        XCTAssertTrue(noRetry.contains("(stderr in "), noRetry)
    }

    /// The function's own failures, a bad cluster address and a missing function are one line
    /// each, naming what went wrong.
    func testFailuresAreOneClearLine() async throws {
        let (space, archs) = try batch(2)
        let cases: [(String, String, String)] = [
            ("ray_fault_tasks:raise_error", "", "failed: ValueError: no checkpoint for this architecture"),
            ("ray_fault_tasks:not_a_number", "", "failed: ValueError: the score is not a finite number: nan"),
            ("ray_fault_tasks:no_such_function", "", "ray_evaluator: ray_fault_tasks has no function no_such_function"),
            ("toy_evaluator:score", "--address 127.0.0.1:1", "cannot start or reach the Ray cluster at 127.0.0.1:1"),
        ]
        for (function, flags, message) in cases {
            let error = await failure(RayInstall.command(function, flags), space, archs)
            XCTAssertTrue(error.contains(message), "\(function) \(flags): \(error)")
        }
    }

    /// llmpp's timeout stops the evaluator with SIGTERM: the error says so, and the local Ray
    /// instance it started (gcs_server, raylet, workers) goes with it.
    func testTimeoutLeavesNoRayProcesses() async throws {
        let (space, archs) = try batch(2)
        let before = Self.rayProcesses()
        let t0 = Date()
        let error = await failure(RayInstall.command("ray_fault_tasks:hang"), space, archs, timeout: 20)
        XCTAssertTrue(error.contains("gave no complete answer within 20 s and was stopped"), error)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 60)
        var left = Self.rayProcesses().subtracting(before)
        let deadline = Date().addingTimeInterval(15)
        while !left.isEmpty && Date() < deadline {
            try await Task.sleep(nanoseconds: 250_000_000)
            left = Self.rayProcesses().subtracting(before)
        }
        XCTAssertEqual(left, [], "Ray processes left behind")
    }

    /// Processes of a Ray instance, by pid and command line, from /proc.
    static func rayProcesses() -> Set<String> {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return Set(
            entries.compactMap { name -> String? in
                guard Int(name) != nil,
                    let raw = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"), !raw.isEmpty
                else { return nil }
                let line = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
                let isRay = ["gcs_server", "raylet", "ray::", "default_worker.py", "ray/dashboard", "log_monitor.py"]
                    .contains { line.contains($0) }
                return isRay ? "\(name) \(line.prefix(120))" : nil
            })
    }
}
