import Foundation
import LLMPPTestSupport
import XCTest

/// Faults a long run must survive with nothing paid for lost: the LLM server dying mid-run,
/// `kill -9` of llmpp while it labels, and a database that cannot grow (full disk, simulated
/// with a file-size limit).
final class FaultTests: XCTestCase {
    static let labels = 30

    /// An OpenAI-protocol server answering a deterministic accuracy per prompt, slowly enough
    /// that a test can act mid-run.
    static func llmServer(delay: Double = 0.03) throws -> TestHTTPServer {
        try TestHTTPServer(handler: { req in
            var h: UInt64 = 1_469_598_103_934_665_603
            for b in req.lastMessage.utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
            let v = 80 + Double(h % 1000) / 100
            return .init(
                status: 200, body: TestHTTPServer.openAI(String(format: "{\"accuracy\": %.2f}", v)), delay: delay)
        })
    }

    static let searchArgs = [
        "search", "--space", "nb201-cifar10", "--provider", "openai", "--model", "test-llm",
        "--labels", "\(labels)", "--train-steps", "60", "--iterations", "4", "--population", "20", "--switch-at", "2",
        "--latency-ms", "25", "--hardware", "raspi4", "--seed", "3", "--json",
    ]

    static func env(_ s: TestHTTPServer) -> [String: String] {
        ["OPENAI_BASE_URL": s.baseURL.absoluteString, "OPENAI_API_KEY": ""]
    }

    /// Answered calls stored in a data directory.
    func okCalls(_ dataDir: String) throws -> Int {
        let r = try CLI.run(["calls", "--json", "--limit", "100000"], dataDir: dataDir)
        let calls = try CLI.json(r.stdout) as? [[String: Any]] ?? []
        return calls.filter { $0["status"] as? String == "ok" }.count
    }

    func runID(_ dataDir: String) throws -> String? {
        (try CLI.json(try CLI.run(["runs", "--json"], dataDir: dataDir).stdout) as? [[String: Any]])?.first?["run"]
            as? String
    }

    func reference() throws -> [String: Any] {
        let server = try Self.llmServer(delay: 0)
        defer { server.stop() }
        let r = try CLI.run(Self.searchArgs, environment: Self.env(server))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(server.requestCount, Self.labels)
        return try CLI.json(r.stdout) as! [String: Any]
    }

    /// The uninterrupted run's result (best, expensive evaluations, Pareto front), every label present.
    func assertSameResult(
        _ got: [String: Any], _ expected: [String: Any], file: StaticString = #filePath, line: UInt = #line
    ) {
        KillResumeTests.assertSameSearch(got, expected, file: file, line: line)
        XCTAssertEqual(got["labels"] as? Int, Self.labels, file: file, line: line)
    }

    func testLLMServerKilledMidRunPausesThenResumesWithoutPayingTwice() throws {
        let expected = try reference()
        let dataDir = NSTemporaryDirectory() + "llmpp-fault-\(UUID().uuidString)"
        let first = try Self.llmServer()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = Self.searchArgs + ["--spaces", CLI.spaces, "--data-dir", dataDir]
        p.environment = ProcessInfo.processInfo.environment.merging(Self.env(first)) { _, n in n }
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while first.requestCount < 10 && Date() < deadline { usleep(5_000) }
        first.stop()  // the server dies; llmpp retries with backoff, then pauses the run
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertNotEqual(p.terminationStatus, 0)
        XCTAssertTrue(stderr.contains("unavailable"), stderr)
        // The error once (it was printed as "error: ..." and again as "Error: ..."), then the way
        // back with the data directory it was given (without it the hint named the default one).
        XCTAssertFalse(stderr.contains("\nerror: "), stderr)
        XCTAssertTrue(stderr.contains("continue with: llmpp search --resume "), stderr)
        XCTAssertTrue(stderr.contains("--data-dir \(dataDir)"), stderr)
        let paid = try okCalls(dataDir)
        XCTAssertGreaterThan(paid, 0)
        XCTAssertLessThan(paid, Self.labels)

        let second = try Self.llmServer(delay: 0)
        defer { second.stop() }
        let id = try XCTUnwrap(try runID(dataDir))
        let resumed = try CLI.run(
            ["search", "--resume", id, "--json"], dataDir: dataDir, environment: Self.env(second))
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(second.requestCount, Self.labels - paid, "only the never-answered labels are asked again")
        assertSameResult(try CLI.json(resumed.stdout) as! [String: Any], expected)
    }

    func testKillNineWhileLabellingPaysNoAnsweredCallTwice() throws {
        let expected = try reference()
        let server = try Self.llmServer()
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "llmpp-fault-\(UUID().uuidString)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = Self.searchArgs + ["--spaces", CLI.spaces, "--data-dir", dataDir]
        p.environment = ProcessInfo.processInfo.environment.merging(Self.env(server)) { _, n in n }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while server.requestCount < 12 && Date() < deadline { usleep(2_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let paid = try okCalls(dataDir)
        XCTAssertGreaterThan(paid, 0)
        XCTAssertLessThan(paid, Self.labels)
        let before = server.requestCount
        let id = try XCTUnwrap(try runID(dataDir))
        let resumed = try CLI.run(
            ["search", "--resume", id, "--json"], dataDir: dataDir, environment: Self.env(server))
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        // Only what was never stored is asked again: the calls in flight at the kill.
        XCTAssertEqual(server.requestCount - before, Self.labels - paid)
        assertSameResult(try CLI.json(resumed.stdout) as! [String: Any], expected)
    }

    func testFullDiskStopsWithAClearErrorAndTheRunResumes() throws {
        let args = KillResumeTests.args
        let full = try CLI.run(args)
        XCTAssertEqual(full.status, 0, full.stderr)
        let expected = try CLI.json(full.stdout) as! [String: Any]
        let dataDir = NSTemporaryDirectory() + "llmpp-full-\(UUID().uuidString)"
        // 300 KiB per file: the database fills up after a few generations.
        let limited = try CLI.run(args, dataDir: dataDir, shellPrefix: "ulimit -f 300")
        XCTAssertNotEqual(limited.status, 0)
        XCTAssertTrue(limited.stderr.contains("disk full"), limited.stderr)
        XCTAssertTrue(limited.stderr.contains("--resume"), limited.stderr)
        XCTAssertTrue(limited.stdout.isEmpty)
        let id = try XCTUnwrap(try runID(dataDir))
        let resumed = try CLI.run(["search", "--resume", id, "--json"], dataDir: dataDir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        KillResumeTests.assertSameSearch(try CLI.json(resumed.stdout) as! [String: Any], expected)
    }
}

extension FaultTests {
    /// Another process holding a write transaction on the database: predict asked (and paid)
    /// the LLM for every answer, then stored none ("database is locked"). It now finds out
    /// before asking, and says why.
    func testALockedDatabaseIsFoundBeforeTheLLMIsPaid() throws {
        let server = try Self.llmServer(delay: 0)
        defer { server.stop() }
        let dir = NSTemporaryDirectory() + "llmpp-locked-\(UUID().uuidString)"
        func predict(_ model: String) throws -> CLI.Result {
            try CLI.run(
                [
                    "predict", "--space", "hat-wmt14ende", "--provider", "openai", "--model", model, "--limit", "2",
                    "--split-seed", "123", "--calibrate", "none",
                ], dataDir: dir, environment: Self.env(server))
        }
        // The database as llmpp leaves it (WAL journal), then held by another writer.
        XCTAssertEqual(try predict("test-llm").status, 0)
        let asked = server.requestCount
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                + "c.execute('BEGIN IMMEDIATE')\nprint('held', flush=True)\ntime.sleep(30)",
            dir + "/llmpp.sqlite",
        ]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.terminate() }
        _ = out.fileHandleForReading.readData(ofLength: 5)  // "held"
        let r = try predict("another-llm")
        XCTAssertNotEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stderr.contains("another process is writing to it"), r.stderr)
        XCTAssertEqual(server.requestCount, asked, "no answer paid for that could not be stored")
    }
}
