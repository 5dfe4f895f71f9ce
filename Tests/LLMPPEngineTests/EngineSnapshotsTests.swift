import Foundation
import LLMPPCore
import LLMPPStore
import XCTest

@testable import LLMPPEngine

/// The engine pushes its whole state to watchers after every change: a watcher that only
/// mirrors snapshots sees what the engine holds (the explorer used to poll every 200 ms and
/// patch its own copy from events).
final class EngineSnapshotsTests: XCTestCase {
    /// Keeps every snapshot a watcher receives.
    final class Watcher: @unchecked Sendable {
        let lock = NSLock()
        var seen: [EngineSnapshot] = []
        func listen(_ s: AsyncStream<EngineSnapshot>) -> Task<Void, Never> {
            Task { for await x in s { lock.withLock { seen.append(x) } } }
        }
        var last: EngineSnapshot? { lock.withLock { seen.last } }
        var count: Int { lock.withLock { seen.count } }
    }

    func testEveryStepIsPushedWithItsGenerationsCallsAndQuality() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let engine = try await Engine.create(
            config: EngineTests.smallConfig(),
            environment: EngineTests.environment(server, dataDir: EngineTests.tempDir()), runID: "pushed")
        let w = Watcher()
        let listener = w.listen(await engine.snapshots())
        try await waitUntil { w.count >= 1 }
        XCTAssertEqual(w.last?.state.phase, .labelling, "the state now, before any step")

        // One unit: its calls and its progress arrive without anyone asking.
        await engine.step()
        try await waitUntil { w.last?.state.labelsDone == 4 && w.last?.calls.count == 4 }
        XCTAssertEqual(Set(w.last!.calls.compactMap(\.archID)).count, 4)

        // A steering change is pushed too, before the next step.
        var rng = SeededGenerator(seed: 11)
        await engine.pin(engine.space.shape.random(using: &rng))
        try await waitUntil { w.last?.state.pinned.count == 1 }

        await engine.start()
        let end = await engine.wait()
        try await waitUntil { w.last?.state.finished == true }
        listener.cancel()
        let last = try XCTUnwrap(w.last)
        XCTAssertEqual(last.history.count, 6, "every generation, oldest first")
        XCTAssertEqual(last.history.map { $0.first?.generation }, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(last.history.last?.map(\.id), end.lastGeneration.map(\.id))
        XCTAssertFalse(last.pareto.isEmpty)
        XCTAssertEqual(last.calls.count, 48, "every call, newest first")
        XCTAssertEqual(last.calls.map(\.id), last.calls.map(\.id).sorted(by: >))
        XCTAssertEqual(last.state.best, end.best)
        let student = last.quality.first { $0.0 == "valid" }?.1.first { $0.name == "LLM-Distill-PP" }
        XCTAssertNotNil(student, "the quality comes with the snapshot once the student exists")
        XCTAssertEqual(last.qualityPoints.count, last.testCount)
        XCTAssertTrue(last.qualityPoints.allSatisfy { $0.student != nil })
    }

    /// A resumed run shows every saved generation (the plot showed only the last, so its
    /// colours by generation meant nothing) and its calls.
    func testAResumedRunShowsItsGenerationsAndCalls() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let dir = EngineTests.tempDir()
        let env = EngineTests.environment(server, dataDir: dir)
        var engine = try await Engine.create(config: EngineTests.smallConfig(), environment: env, runID: "again")
        while await engine.state.generation < 2 { await engine.step() }
        engine = try await Engine.resume(runID: "again", environment: env)
        let w = Watcher()
        let listener = w.listen(await engine.snapshots())
        try await waitUntil { w.count >= 1 }
        listener.cancel()
        let s = try XCTUnwrap(w.last)
        XCTAssertEqual(s.history.count, 2)
        XCTAssertEqual(s.history.map { $0.first?.generation }, [0, 1])
        XCTAssertEqual(s.history.last?.map(\.id), s.state.lastGeneration.map(\.id))
        XCTAssertFalse(s.pareto.isEmpty)
        XCTAssertEqual(s.calls.count, 48, "the calls pane of a resumed run is not empty")
    }

    /// A paced batch's sleep is said like any wait: a paced generation stood 40 s with nothing
    /// on screen moving.
    func testAPacedSleepIsShownAsAWait() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        var config = EngineTests.smallConfig()
        config.pace = 1000
        var env = EngineTests.environment(server, dataDir: EngineTests.tempDir())
        env.sleep = { _ in try await Task.sleep(nanoseconds: 200_000_000) }
        let engine = try await Engine.create(config: config, environment: env)
        let w = Watcher()
        let listener = w.listen(await engine.snapshots())
        await engine.start()
        _ = await engine.wait()
        listener.cancel()
        let waits = w.lock.withLock { w.seen.compactMap { $0.waiting?.what } }
        XCTAssertTrue(
            waits.contains { $0.hasPrefix("12-epoch training's pace (") && $0.hasSuffix("recorded ÷ 1000x)") },
            "\(waits)")
    }

    func waitUntil(_ cond: @escaping () -> Bool, file: StaticString = #filePath, line: UInt = #line) async throws {
        for _ in 0..<500 {
            if cond() { return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTFail("timed out", file: file, line: line)
    }
}
