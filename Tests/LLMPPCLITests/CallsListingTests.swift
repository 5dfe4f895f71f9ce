import Foundation
import LLMPPStore
import XCTest

/// `calls` says when it stops at its limit, and pages with --before (it stopped at 50 rows
/// in silence).
final class CallsListingTests: XCTestCase {
    func testAListingCutAtItsLimitSaysSoAndPages() async throws {
        let dir = NSTemporaryDirectory() + "llmpp-calls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try TranscriptStore(path: dir + "/llmpp.sqlite")
        for i in 1...5 {
            try await store.insert(
                CallRecord(
                    run: "r", provider: "openai", model: "m", parameters: "{}", messages: "[]", cacheKey: "k\(i)",
                    sampleIndex: 0, attempt: 1, status: .ok, responseText: "\(i)", latencyMs: 1))
        }
        func ids(_ out: String) throws -> [Int] { (try CLI.json(out) as! [[String: Any]]).map { $0["id"] as! Int } }
        let first = try CLI.run(["calls", "--limit", "2", "--json"], dataDir: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try ids(first.stdout), [5, 4])
        XCTAssertTrue(first.stderr.contains("showing the newest 2 calls; older ones: --before 4"), first.stderr)
        let next = try CLI.run(["calls", "--limit", "2", "--before", "4", "--json"], dataDir: dir)
        XCTAssertEqual(try ids(next.stdout), [3, 2])
        XCTAssertTrue(
            next.stderr.contains("showing the newest 2 calls before id 4; older ones: --before 2"), next.stderr)
        let all = try CLI.run(["calls", "--limit", "5", "--json"], dataDir: dir)
        XCTAssertEqual(try ids(all.stdout), [5, 4, 3, 2, 1])
        XCTAssertFalse(all.stderr.contains("showing"), all.stderr)
        // The table's word columns stand under their headers (they were right-aligned, so
        // "run" and "provider/model" sat far from their values).
        let table = try CLI.run(["calls", "--limit", "1"], dataDir: dir).stdout.components(separatedBy: "\n")
        XCTAssertTrue(table[0].hasPrefix("id  run  provider/model  "), table[0])
        XCTAssertTrue(table[2].hasPrefix("5   r    openai/m        "), table[2])
        // A run that has none is named (it said "no calls recorded" of a database holding 5).
        let other = try CLI.run(["calls", "--run", "nosuchrun"], dataDir: dir)
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertTrue(other.stdout.hasPrefix("no calls in run 'nosuchrun' in \(dir)/llmpp.sqlite"), other.stdout)
        let bad = try CLI.run(["calls", "--limit", "0"], dataDir: dir)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--limit must be in 1...100000, got 0"), bad.stderr)
    }
}

extension CallsListingTests {
    /// An answer holding terminal escapes is shown escaped by `calls show` (it retitled the
    /// terminal, cleared it and coloured the text; a NUL cut the rest off).
    func testCallsShowEscapesWhatTheServerSent() async throws {
        let dir = NSTemporaryDirectory() + "llmpp-calls-esc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let store = try TranscriptStore(path: dir + "/llmpp.sqlite")
        let hostile = "\u{1b}]0;PWNED\u{07}\u{1b}[2J{\"score\": 81}\r\u{08}\u{9b}31m\u{202e}RTL\u{0}nul"
        try await store.insert(
            CallRecord(
                run: "r", provider: "openai", model: "\u{1b}[31mevil", parameters: "{}", messages: "[]", cacheKey: "k",
                sampleIndex: 0, attempt: 1, status: .ok, responseText: hostile, latencyMs: 1))
        let show = try CLI.run(["calls", "show", "1"], dataDir: dir)
        XCTAssertEqual(show.status, 0, show.stderr)
        for unsafe in ["\u{1b}", "\u{07}", "\u{08}", "\u{9b}", "\u{202e}", "\r", "\u{0}"] {
            XCTAssertFalse(show.stdout.contains(unsafe), "\(unsafe.unicodeScalars.first!.value) reached the terminal")
        }
        XCTAssertTrue(show.stdout.contains("\\u{1b}]0;PWNED\\u{7}\\u{1b}[2J{\"score\": 81}"), show.stdout)
        XCTAssertTrue(show.stdout.contains("\\u{202e}RTL\\u{0}nul"), show.stdout)
    }

    /// Read-only commands with a relative --data-dir that does not exist used to create it
    /// and an empty database there.
    func testReadOnlyCommandsDoNotCreateADatabase() throws {
        let cwd = NSTemporaryDirectory() + "llmpp-cwd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
        for args in [
            ["calls"], ["calls", "--json"], ["calls", "show", "3"], ["calls", "export"], ["runs", "--json"],
        ] {
            let r = try CLI.run(args, dataDir: "typo/data", shellPrefix: "cd '\(cwd)'")
            if args[0] == "runs" {
                // No database lists no runs (scripts poll `runs` right after starting one).
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "[]")
            } else {
                XCTAssertNotEqual(r.status, 0, "\(args): \(r.stdout)")
            }
            XCTAssertTrue(r.stderr.contains("no database at typo/data/llmpp.sqlite ("), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: cwd + "/typo"), "\(args) created typo/")
        }
    }
}
