import LLMPPCore
import LLMPPTestSupport
import XCTest

@testable import LLMPPLLM
@testable import LLMPPStore

/// What a hostile or broken server sends back is stored bounded and without secrets.
final class HostileAnswerTests: XCTestCase {
    static let key = "sk-test-0123456789abcdef"

    func predictor(_ server: TestHTTPServer, store: TranscriptStore) throws -> LLMPredictor {
        let (s, _, _) = try LLMFixtures.split123()
        let provider = OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: Self.key, timeout: 10)
        return LLMPredictor(
            provider: provider, store: store, run: "hostile", builder: try LLMFixtures.builder(s),
            retry: .init(maxAttempts: 1), sleep: { _ in })
    }

    /// A server that echoes the Authorization header back (in an error, then in an answer)
    /// used to get the key stored verbatim in the transcript, its exports and the terminal.
    func testAnEchoedKeyIsNeitherStoredNorReturned() async throws {
        let seen = Counter()
        let server = try TestHTTPServer(handler: { req in
            let auth = req.headers["authorization"] ?? "none"
            if seen.next() == 1 { return .init(status: 401, body: #"{"error": "invalid key \#(auth)"}"#) }
            return .init(status: 200, body: TestHTTPServer.openAI("{\"bleu\": 25.5} (you sent \(auth))"))
        })
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try predictor(server, store: store)
        var results: [Prediction] = []
        for t in tests.prefix(6) { results.append(await p.predict(t, demonstrations: demos)) }
        XCTAssertGreaterThan(server.requestCount, 0)
        let calls = try await store.calls(run: "hostile")
        XCTAssertTrue(calls.contains { $0.status == .error }, "a 401 was recorded")
        XCTAssertTrue(calls.contains { $0.status == .ok }, "an answer was recorded")
        for c in calls {
            for text in [c.error, c.responseText, c.rawResponse].compactMap({ $0 }) {
                XCTAssertFalse(text.contains(Self.key), text)
            }
            XCTAssertTrue(
                ([c.error, c.responseText, c.rawResponse].compactMap { $0 }).contains {
                    $0.contains("[redacted openai API key]")
                }, "\(c)")
        }
        for r in results { XCTAssertFalse(r.error?.contains(Self.key) ?? false, r.error ?? "") }
    }

    /// The key spelled with JSON escapes in the raw body ("sk\u002dtest...") was stored as the
    /// server sent it, for `calls export` to carry; the decoded text was redacted.
    func testAJSONEscapedKeyIsRedactedFromTheRawResponse() {
        let redactor = SecretRedactor(secrets: [("openai API key", Self.key)])
        let escaped = Self.key.replacingOccurrences(of: "-", with: "\\u002d").replacingOccurrences(
            of: "t", with: "\\u0074")
        let raw = #"{"choices": [{"message": {"content": "you sent \#(escaped), \u0022quoted\u0022"}}]}"#
        let redacted = redactor.redact(raw)
        XCTAssertTrue(redacted.contains("you sent [redacted openai API key]"), redacted)
        XCTAssertTrue(redacted.contains(#"\u0022quoted\u0022"#), "other escapes stay: \(redacted)")
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(redacted.utf8)), redacted)
        XCTAssertEqual(redactor.redact("plain text"), "plain text")
        // Without a key in it, a body's escapes are stored as the server sent them.
        XCTAssertEqual(redactor.redact(#"{"a": "\u0041"}"#), #"{"a": "\u0041"}"#)
    }

    /// A 900 KB answer (under the 1 MB response limit) is stored cut to 64 KB with a marker:
    /// five 50 MB answers used to make a 501 MB database.
    func testHugeAnswersAreStoredTruncated() async throws {
        let huge = "{\"bleu\": 25.5} " + String(repeating: "x", count: 900_000)
        let server = try TestHTTPServer(fallback: .init(status: 200, body: TestHTTPServer.openAI(huge)))
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let pred = try await predictor(server, store: store).predict(tests[0], demonstrations: demos)
        XCTAssertEqual(pred.value, 25.5)
        let c = try await store.calls(run: "hostile").first!
        for text in [c.responseText, c.rawResponse].compactMap({ $0 }) {
            XCTAssertLessThan(text.utf8.count, TranscriptStore.maxStoredTextBytes + 100)
            XCTAssertTrue(text.hasSuffix("kept]"), String(text.suffix(80)))
            XCTAssertTrue(text.contains("…[truncated by llmpp: "), String(text.suffix(80)))
        }
    }

    func testTruncationKeepsWholeCharacters() {
        let s = String(repeating: "é", count: 10)  // 2 bytes each
        XCTAssertEqual(CallRecord.truncate(s, 5), "éé…[truncated by llmpp: 20 bytes, the first 4 kept]")
        XCTAssertEqual(CallRecord.truncate(s, 20), s)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int {
        lock.withLock {
            n += 1
            return n
        }
    }
}
