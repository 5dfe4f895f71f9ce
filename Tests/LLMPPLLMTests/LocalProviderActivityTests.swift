import Foundation
import LLMPPCore
import LLMPPTestSupport
import XCTest

@testable import LLMPPLLM

/// The local provider says what it does while the first answer waits: starting the server
/// (until `/health` answers), then the first prompt with its size from `/tokenize`; later
/// requests say nothing (they reuse the cached prefix). The "server" is a real process
/// started the way llama-server is, speaking its endpoints.
final class LocalProviderActivityTests: XCTestCase {
    /// A llama-server stand-in: loading for 0.7 s (503 on /health), 3,100 tokens per prompt.
    static let fakeServer = """
        #!/usr/bin/env python3
        import sys, json, time, http.server
        port = int(sys.argv[sys.argv.index("--port") + 1])
        start = time.time()
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def send(self, code, obj):
                b = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                self.wfile.write(b)
            def do_GET(self):
                if time.time() - start < 0.7: return self.send(503, {"error": "Loading model"})
                self.send(200, {"status": "ok"})
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/tokenize": return self.send(200, {"tokens": list(range(3100))})
                time.sleep(0.3)
                self.send(200, {"choices": [{"message": {"role": "assistant", "content": "{\\"bleu\\": 27.5}"},
                    "finish_reason": "stop"}], "usage": {"prompt_tokens": 3100, "completion_tokens": 8}})
        http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
        """

    final class Seen: @unchecked Sendable {
        let lock = NSLock()
        var activities: [String?] = []
        func add(_ a: Activity?) { lock.withLock { activities.append(a?.what) } }
        var all: [String?] { lock.withLock { activities } }
    }

    /// A local provider whose "llama-server" is `fakeServer`, in a folder of its own.
    func fakeProvider() throws -> LocalProvider {
        let dir = NSTemporaryDirectory() + "llmpp-activity-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let binary = dir + "/llama-server"
        try Self.fakeServer.write(toFile: binary, atomically: true, encoding: .utf8)
        chmod(binary, 0o755)
        return LocalProvider(binary: binary, modelPath: dir + "/tiny.gguf", logDirectory: dir, timeout: 30)
    }

    func testStartAndFirstPromptAreReportedThenNothing() async throws {
        let provider = try fakeProvider()
        let seen = Seen()
        provider.onActivity { seen.add($0) }
        let request = CompletionRequest(messages: [ChatMessage(.user, "Test architecture: ...")])
        let first = try await provider.complete(request)
        XCTAssertTrue(first.text.contains("27.5"), first.text)
        _ = try await provider.complete(request)
        await provider.shutdown()
        XCTAssertEqual(
            seen.all,
            [
                "starting the local llama-server (tiny): loading the model", nil,
                "first prompt: processing 3,100 tokens (later prompts reuse its prefix)", nil,
            ])
    }

    /// A request cut by a quit (the provider shut down under it) is cancelled, not a server
    /// failure, and no server starts again after the shutdown (a retry started a fresh one, and
    /// the cut call was recorded as failed).
    func testAShutdownCancelsTheRequestInFlightAndStartsNothing() async throws {
        let provider = try fakeProvider()
        let request = CompletionRequest(messages: [ChatMessage(.user, "Test architecture: ...")])
        _ = try await provider.complete(request)
        let inFlight = Task { try await provider.complete(request) }
        try await Task.sleep(for: .milliseconds(100))
        await provider.shutdown()
        do {
            _ = try await inFlight.value
            XCTFail("the request survived the shutdown")
        } catch { XCTAssertEqual(error as? LLMError, .cancelled) }
        do {
            _ = try await provider.complete(request)
            XCTFail("a server started again")
        } catch { XCTAssertEqual(error as? LLMError, .cancelled) }
        let port = await provider.port
        XCTAssertNil(port)
    }

    /// A start is recorded with its first answer (the model's load, then the whole prompt) and
    /// priced while no server runs: the estimate before a run priced neither.
    func testAStartIsRecordedAndPricedWhileNoServerRuns() async throws {
        let provider = try fakeProvider()
        let none = await provider.coldStartCost()
        XCTAssertNil(none, "nothing recorded yet")
        let request = CompletionRequest(messages: [ChatMessage(.user, "Test architecture: ...")])
        _ = try await provider.complete(request)
        let running = await provider.coldStartCost()
        XCTAssertNil(running, "a running server costs what any answer does")
        _ = try await provider.complete(request)
        await provider.shutdown()
        let stopped = await provider.coldStartCost()
        let cost = try XCTUnwrap(stopped)
        XCTAssertEqual(cost.starts, 1, "only the first answer of a start")
        XCTAssertGreaterThanOrEqual(cost.loadSeconds, 0.7, "the stand-in loads for 0.7 s")
        XCTAssertGreaterThanOrEqual(cost.firstAnswerSeconds, 0.3)
    }

    /// The starts file keeps the newest 20, reads one model's, and skips lines that do not
    /// read or hold figures no start has (a hand edit).
    func testTheStartsFileKeepsTheNewestAndSkipsWhatDoesNotRead() throws {
        let dir = NSTemporaryDirectory() + "llmpp-starts-\(UUID().uuidString)"
        for i in 0..<25 {
            LocalServerStarts.record(
                LocalServerStart(
                    model: i % 5 == 0 ? "other" : "m", loadSeconds: Double(i), firstAnswerSeconds: 1, date: 0),
                logDirectory: dir)
        }
        XCTAssertEqual(LocalServerStarts.read(logDirectory: dir, model: "m").map(\.loadSeconds).first, 6)
        XCTAssertEqual(LocalServerStarts.read(logDirectory: dir, model: "m").count, 16)
        let path = dir + "/server-starts.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "garbage\n{\"model\":\"m\",\"loadSeconds\":-1,\"firstAnswerSeconds\":1,\"date\":0}\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(LocalServerStarts.read(logDirectory: dir, model: "m").count, 16)
    }

    func testGroupedCounts() {
        XCTAssertEqual(Activity.grouped(3100), "3,100")
        XCTAssertEqual(Activity.grouped(999), "999")
        XCTAssertEqual(Activity.grouped(1_234_567), "1,234,567")
        XCTAssertEqual(Activity.grouped(-4000), "-4,000")
    }
}
