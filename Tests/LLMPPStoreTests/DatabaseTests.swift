import Foundation
import LLMPPTestSupport
import XCTest

@testable import LLMPPStore

/// The database names its file in every error, finds a corrupted page when it opens, and is
/// never created by a command that only reads.
final class DatabaseTests: XCTestCase {
    func record(_ i: Int) -> CallRecord {
        CallRecord(
            run: "r", provider: "p", model: "m", parameters: "{}", messages: "[]", cacheKey: "k\(i)", sampleIndex: 0,
            attempt: 1, status: .ok, responseText: String(repeating: "answer \(i) ", count: 100), latencyMs: 1)
    }

    /// A corrupted page went unnoticed until a checkpoint failed to decode, much later.
    func testACorruptedPageIsReportedOnOpenNamingTheFile() async throws {
        let path = Repo.tempDirectory("llmpp-db") + "/llmpp.sqlite"
        do {
            let store = try TranscriptStore(path: path)
            try await store.insertBatch((0..<400).map(record))
        }
        // Closed (the last connection checkpoints the WAL): scribble over a page in the middle.
        let h = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        let size = try h.seekToEnd()
        XCTAssertGreaterThan(size, 40 * 4096)
        try h.seek(toOffset: 20 * 4096)
        h.write(Data(repeating: 0xA5, count: 4096))
        try h.close()
        XCTAssertThrowsError(try TranscriptStore(path: path)) { e in
            XCTAssertTrue("\(e)".contains(path), "\(e)")
            XCTAssertTrue("\(e)".contains("corrupt") || "\(e)".contains("malformed"), "\(e)")
        }
    }

    func testErrorsNameTheFile() throws {
        let path = Repo.tempDirectory("llmpp-db") + "/llmpp.sqlite"
        let db = try Database(path: path)
        XCTAssertThrowsError(try db.execute("SELECT * FROM no_such_table")) { e in
            XCTAssertEqual("\(e)", "SQLite error 1 in \(path): no such table: no_such_table")
        }
        XCTAssertThrowsError(try db.query("INSERT INTO nowhere VALUES (1)")) { e in
            XCTAssertTrue("\(e)".contains(" in \(path): "), "\(e)")
        }
    }

    /// `calls` with a mistyped relative --data-dir created the folder and an empty database.
    func testAReaderNeverCreatesTheDatabase() throws {
        let dir = Repo.tempDirectory("llmpp-db") + "/not-there"
        XCTAssertThrowsError(try TranscriptStore(path: dir + "/llmpp.sqlite", create: false)) { e in
            XCTAssertTrue(e is MissingDatabase, "\(e)")
            XCTAssertTrue("\(e)".hasPrefix("no database at \(dir)/llmpp.sqlite: nothing has been recorded"), "\(e)")
        }
        XCTAssertThrowsError(try RunStore(path: dir + "/llmpp.sqlite", create: false))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir))
        XCTAssertTrue("\(MissingDatabase(path: "rel/llmpp.sqlite"))".hasPrefix("no database at rel/llmpp.sqlite (/"))
    }
}

extension DatabaseTests {
    /// A resume shows the newest generations only; it read (and decoded) every one first.
    func testTheNewestGenerationsAreReadOldestFirst() async throws {
        let runs = try RunStore(path: Repo.tempDirectory("llmpp-db") + "/llmpp.sqlite")
        try await runs.create(id: "r", kind: "search", space: "s", config: "{}", state: "{}")
        for g in 0..<5 { try await runs.save(id: "r", state: "{}", status: "running", generation: (g, "[\(g)]")) }
        let all = try await runs.generations(run: "r")
        XCTAssertEqual(all.map(\.0), [0, 1, 2, 3, 4])
        let newest = try await runs.generations(run: "r", newest: 2)
        XCTAssertEqual(newest.map(\.0), [3, 4])
        XCTAssertEqual(newest.map(\.1), ["[3]", "[4]"])
        let more = try await runs.generations(run: "r", newest: 9)
        XCTAssertEqual(more.count, 5)
        let none = try await runs.generations(run: "other", newest: 2)
        XCTAssertEqual(none.count, 0)
    }

    /// A row edited by hand with inf figures: the whole `calls export` failed on encoding,
    /// naming no call, and an inf value counted as an answer. They read as missing.
    func testFiguresThatAreNotFiniteReadAsMissing() async throws {
        let path = Repo.tempDirectory("llmpp-db") + "/llmpp.sqlite"
        let store = try TranscriptStore(path: path)
        var r = record(1)
        r.parsedValue = 25
        r.costUSD = 0.01
        _ = try await store.insert(r)
        try Database(path: path).execute(
            "UPDATE calls SET latency_ms = 9e999, parsed_value = -9e999, cost_usd = 9e999")
        let back = try await store.calls(run: "r")[0]
        XCTAssertEqual(back.latencyMs, 0)
        XCTAssertNil(back.parsedValue)
        XCTAssertNil(back.costUSD)
        XCTAssertNoThrow(try JSONEncoder().encode(back))
    }
}
