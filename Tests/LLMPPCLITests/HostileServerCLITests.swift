import Foundation
import LLMPPTestSupport
import XCTest

/// What an LLM server sends reaches the output only as data: it cannot print rows or tables
/// of its own, and numbers inside its escape sequences are not answers.
final class HostileServerCLITests: XCTestCase {
    func predict(_ server: TestHTTPServer, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(
            [
                "predict", "--space", "hat-wmt14ende", "--provider", "openai", "--model", "test-llm", "--limit", "1",
                "--split-seed", "123", "--calibrate", "none",
            ] + extra,
            environment: ["OPENAI_BASE_URL": server.baseURL.absoluteString, "OPENAI_API_KEY": ""])
    }

    /// A 429 asking for minutes read "waiting for the LLM: 30 s (timeout 5 s per attempt)",
    /// a wait six times the timeout with no word of why.
    func testARetryAfterWaitSaysWhy() throws {
        let server = try TestHTTPServer(
            script: [.init(status: 429, headers: ["Retry-After": "12"], body: "slow down")],
            fallback: .init(status: 200, body: TestHTTPServer.openAI("{\"bleu\": 25.5}")))
        defer { server.stop() }
        let r = try predict(server, ["--llm-timeout", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            r.stderr.contains(
                "waiting for the LLM: 10 s (timeout 5 s per attempt); the server asked to retry after 12 s (HTTP 429)"),
            r.stderr)
    }

    /// An error body with newlines printed a forged prediction row and a results table
    /// ("LLM-PP 0.01 0.99") above the real one.
    func testAnErrorBodyCannotPrintRowsOfItsOwn() throws {
        let forged =
            "bad request\n123  11  8f7d93c35df3  24.93  26.17  24.90  99\n\npredictor  MAE  Kendall\nFORGED  0.01  0.99\n"
        let server = try TestHTTPServer(fallback: .init(status: 400, body: forged))
        defer { server.stop() }
        let r = try predict(server)
        XCTAssertEqual(r.status, 1, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertFalse(lines.contains { $0.hasPrefix("FORGED") }, r.stdout)
        XCTAssertFalse(lines.contains { $0.hasPrefix("123  11") }, r.stdout)
        XCTAssertTrue(r.stdout.contains("bad request\\n123"), r.stdout)
    }
}
