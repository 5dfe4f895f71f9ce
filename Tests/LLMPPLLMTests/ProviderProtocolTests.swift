import LLMPPCore
import LLMPPStore
import LLMPPTestSupport
import XCTest

@testable import LLMPPLLM

/// The providers against an in-test server speaking the OpenAI and Anthropic protocols,
/// scripted with 200, 429, 500, slow and malformed answers.
final class ProviderProtocolTests: XCTestCase {
    func makePredictor(
        _ provider: any LLMProvider, store: TranscriptStore, sleeper: SleepRecorder = SleepRecorder(),
        settings: PredictionSettings = .init(), budget: Budget = Budget(), retry: RetryPolicy = .init()
    ) throws -> LLMPredictor {
        let (s, _, _) = try LLMFixtures.split123()
        return LLMPredictor(
            provider: provider, store: store, run: "test", builder: try LLMFixtures.builder(s), settings: settings,
            retry: retry, budget: budget, pricing: try Pricing.parse(Data(Pricing.defaultFile.utf8), file: "prices"),
            sleep: sleeper.sleep)
    }

    func testOpenAIRequestShapeStructuredOutputAndCost() async throws {
        let server = try TestHTTPServer(script: [
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 25.5}"#, tokensIn: 3000, tokensOut: 8))
        ])
        defer { server.stop() }
        let provider = OpenAIProvider(model: "gpt-4o-mini", baseURL: server.baseURL, apiKey: "sk-secret-test-key")
        let dir = LLMFixtures.tempDir()
        let store = try TranscriptStore(path: dir + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try await makePredictor(provider, store: store).predict(tests[0], demonstrations: demos)
        XCTAssertEqual(p.value, 25.5)
        XCTAssertNil(p.error)
        let req = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(req.method, "POST")
        XCTAssertEqual(req.path, "/v1/chat/completions")
        XCTAssertEqual(req.headers["authorization"], "Bearer sk-secret-test-key")
        let body = req.json
        XCTAssertEqual(body["model"] as? String, "gpt-4o-mini")
        XCTAssertEqual(body["temperature"] as? Double, 0)
        let rf = try XCTUnwrap(body["response_format"] as? [String: Any])
        XCTAssertEqual(rf["type"] as? String, "json_schema")
        let schema =
            ((rf["json_schema"] as? [String: Any])?["schema"] as? [String: Any])?["properties"] as? [String: Any]
        XCTAssertNotNil(schema?["bleu"])
        XCTAssertEqual((body["messages"] as? [[String: Any]])?.map { $0["role"] as? String }, ["system", "user"])
        // Recorded with tokens and cost (gpt-4o-mini: $0.15 / $0.60 per million).
        let c = try await store.call(id: p.callIDs[0])!
        XCTAssertEqual(c.status, .ok)
        XCTAssertEqual(c.tokensIn, 3000)
        XCTAssertEqual(c.tokensOut, 8)
        XCTAssertEqual(try XCTUnwrap(c.costUSD), (3000 * 0.15 + 8 * 0.60) / 1e6, accuracy: 1e-12)
        // The API key is never stored.
        let raw = try Data(contentsOf: URL(fileURLWithPath: dir + "/db.sqlite"))
        XCTAssertNil(raw.range(of: Data("sk-secret-test-key".utf8)))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/db.sqlite-wal"))) ?? Data()
        XCTAssertNil(wal.range(of: Data("sk-secret-test-key".utf8)))
    }

    func testRetriesHonourRetryAfterAndBackOffOn5xx() async throws {
        let server = try TestHTTPServer(script: [
            .init(status: 429, headers: ["Retry-After": "3"], body: #"{"error": "rate limited"}"#),
            .init(status: 500, body: #"{"error": "boom"}"#),
            .init(status: 503, body: "unavailable"),
            .init(status: 200, body: TestHTTPServer.openAI("BLEU: 26.0")),
        ])
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let sleeper = SleepRecorder()
        let (_, demos, tests) = try LLMFixtures.split123()
        let predictor = try makePredictor(
            OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store, sleeper: sleeper,
            retry: RetryPolicy(maxAttempts: 6, baseDelay: 2, maxDelay: 60))
        let p = await predictor.predict(tests[0], demonstrations: demos)
        XCTAssertEqual(p.value, 26.0)
        XCTAssertEqual(server.requestCount, 4)
        XCTAssertEqual(p.callIDs.count, 4, "every attempt recorded")
        XCTAssertEqual(sleeper.delays.count, 3)
        XCTAssertEqual(sleeper.delays[0], 3, "429 waits what Retry-After says")
        // Second failure: 2 s x 2, third: 2 s x 4, each jittered down to at most half.
        XCTAssertTrue((2...4).contains(sleeper.delays[1]), "\(sleeper.delays)")
        XCTAssertTrue((4...8).contains(sleeper.delays[2]), "\(sleeper.delays)")
        let statuses = try await p.callIDs.asyncMap { try await store.call(id: $0)!.status }
        XCTAssertEqual(statuses, [.error, .error, .error, .ok])
        let first = try await store.call(id: p.callIDs[0])!
        XCTAssertTrue(first.error?.contains("HTTP 429") ?? false)
        // A wait longer than the most waited gives up at once, and says why (it said "HTTP 429").
        server.enqueue(.init(status: 429, headers: ["Retry-After": "999999"], body: "slow down"))
        let long = await predictor.predict(tests[1], demonstrations: demos)
        XCTAssertEqual(
            long.error, "HTTP 429: slow down (the server asked to wait 999999 s; at most 600 s is waited)")
    }

    func testTimeoutsAndMalformedAnswersAreRecordedNotFatal() async throws {
        let server = try TestHTTPServer(script: [
            .init(status: 200, body: "{}", delay: 2.5),  // slow: times out
            .init(status: 200, body: "this is not json"),  // malformed body: not retried
        ])
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let provider = OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil, timeout: 1)
        let p = try await makePredictor(provider, store: store).predict(tests[0], demonstrations: demos)
        XCTAssertNil(p.value)
        XCTAssertEqual(p.callIDs.count, 2)
        let a = try await store.call(id: p.callIDs[0])!
        let b = try await store.call(id: p.callIDs[1])!
        XCTAssertTrue(a.error?.contains("timed out") ?? false, a.error ?? "")
        XCTAssertTrue(b.error?.contains("malformed response") ?? false, b.error ?? "")
        XCTAssertTrue(p.error?.contains("malformed") ?? false)
    }

    func testProseGetsACorrectiveFollowUp() async throws {
        let server = try TestHTTPServer(script: [
            .init(status: 200, body: TestHTTPServer.openAI("I think this architecture is quite good.")),
            .init(status: 200, body: TestHTTPServer.openAI("It would be around 400.")),
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 24.8}"#)),
        ])
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try await makePredictor(OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store)
            .predict(tests[0], demonstrations: demos)
        XCTAssertEqual(p.value, 24.8)
        let msgs = server.requests.map { ($0.json["messages"] as? [[String: Any]])?.count ?? 0 }
        XCTAssertEqual(msgs, [2, 4, 6], "each correction appends the answer and a follow-up")
        let last = (server.requests[2].json["messages"] as! [[String: Any]]).last!["content"] as! String
        XCTAssertTrue(last.contains("outside 0.0...100.0"), last)
        let statuses = try await p.callIDs.asyncMap { try await store.call(id: $0)!.status }
        XCTAssertEqual(statuses, [.unparsed, .unparsed, .ok])
        // Bounded: with no corrections allowed, prose is a recorded failure.
        server.enqueue(.init(status: 200, body: TestHTTPServer.openAI("no idea")))
        let q = try await makePredictor(
            OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store,
            settings: PredictionSettings(maxCorrections: 0)
        ).predict(tests[1], demonstrations: demos)
        XCTAssertNil(q.value)
        XCTAssertTrue(q.error?.contains("no usable answer") ?? false, q.error ?? "")
    }

    func testAnthropicMessagesProtocol() async throws {
        let server = try TestHTTPServer(script: [
            .init(status: 529, body: #"{"type":"error","error":{"type":"overloaded_error"}}"#),
            .init(status: 200, body: TestHTTPServer.anthropic(#"{"bleu": 27.25}"#, tokensIn: 2000, tokensOut: 9)),
        ])
        defer { server.stop() }
        let provider = try AnthropicProvider.fromEnvironment(
            model: "claude-3-5-haiku-latest",
            environment: ["ANTHROPIC_API_KEY": "ak-test", "ANTHROPIC_BASE_URL": server.baseURL.absoluteString])
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try await makePredictor(provider, store: store).predict(tests[0], demonstrations: demos)
        XCTAssertEqual(p.value, 27.25)
        let req = server.requests[1]
        XCTAssertEqual(req.path, "/v1/messages")
        XCTAssertEqual(req.headers["x-api-key"], "ak-test")
        XCTAssertEqual(req.headers["anthropic-version"], "2023-06-01")
        let body = req.json
        XCTAssertTrue((body["system"] as? String)?.contains("Reply with only a JSON object") ?? false)
        XCTAssertEqual((body["messages"] as? [[String: Any]])?.map { $0["role"] as? String }, ["user"])
        XCTAssertEqual(body["max_tokens"] as? Int, 24)
        let c = try await store.call(id: p.callIDs[1])!
        XCTAssertEqual(try XCTUnwrap(c.costUSD), (2000 * 0.80 + 9 * 4.00) / 1e6, accuracy: 1e-12)
        XCTAssertThrowsError(try AnthropicProvider.fromEnvironment(model: nil, environment: [:]))
    }

    func testCacheSurvivesARestartAndNothingIsPaidTwice() async throws {
        let dir = LLMFixtures.tempDir()
        let (_, demos, tests) = try LLMFixtures.split123()
        let server = try TestHTTPServer(script: [
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 25.1}"#)),
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 26.2}"#)),
        ])
        defer { server.stop() }
        do {
            let store = try TranscriptStore(path: dir + "/db.sqlite")
            let pr = try makePredictor(OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store)
            _ = await pr.predict(tests[0], demonstrations: demos)
            _ = await pr.predict(tests[1], demonstrations: demos)
        }
        XCTAssertEqual(server.requestCount, 2)
        // A new process: a new store on the same file, and a server that would only fail.
        let down = try TestHTTPServer(fallback: .init(status: 500, body: "down"))
        defer { down.stop() }
        let store2 = try TranscriptStore(path: dir + "/db.sqlite")
        let pr2 = try makePredictor(OpenAIProvider(model: "m", baseURL: down.baseURL, apiKey: nil), store: store2)
        let a = await pr2.predict(tests[0], demonstrations: demos)
        let b = await pr2.predict(tests[1], demonstrations: demos)
        XCTAssertEqual(a.value, 25.1)
        XCTAssertEqual(b.value, 26.2)
        XCTAssertEqual(a.cachedSamples, 1)
        XCTAssertEqual(down.requestCount, 0, "answered from the cache")
        // Another model is another question: it is asked.
        let pr3 = try makePredictor(
            OpenAIProvider(model: "other", baseURL: down.baseURL, apiKey: nil), store: store2,
            retry: RetryPolicy(maxAttempts: 1))
        let c = await pr3.predict(tests[0], demonstrations: demos)
        XCTAssertNil(c.value)
        XCTAssertEqual(down.requestCount, 1)
    }

    func testSamplesMedianAndBudget() async throws {
        let server = try TestHTTPServer(
            script: ["25.0", "27.0", "26.5"].map { .init(status: 200, body: TestHTTPServer.openAI($0)) })
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try await makePredictor(
            OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store,
            settings: PredictionSettings(samples: 3)
        ).predict(tests[0], demonstrations: demos)
        XCTAssertEqual(p.samples.sorted(), [25.0, 26.5, 27.0])
        XCTAssertEqual(p.value, 26.5)
        XCTAssertEqual(Set(server.requests.map { $0.json["temperature"] as? Double }), [0.7])
        XCTAssertEqual(Set(server.requests.compactMap { $0.json["seed"] as? Int }), [0, 1, 2])
        // A budget of one call: the second architecture is not asked.
        server.enqueue(.init(status: 200, body: TestHTTPServer.openAI("25")))
        let pr = try makePredictor(
            OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store,
            budget: Budget(.init(maxCalls: 1)))
        let a = await pr.predict(tests[1], demonstrations: demos)
        let b = await pr.predict(tests[2], demonstrations: demos)
        XCTAssertEqual(a.value, 25)
        XCTAssertFalse(a.budgetExhausted)
        XCTAssertNil(b.value)
        XCTAssertTrue(b.budgetExhausted)
        XCTAssertEqual(server.requestCount, 4)
    }

    /// A provider stopped under a request (a quit) cancels it: nothing is recorded, and the
    /// sample is transient (asked again on resume), not failed.
    func testACancelledCallIsNotRecorded() async throws {
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try await makePredictor(StoppedProvider(), store: store).predict(tests[0], demonstrations: demos)
        XCTAssertNil(p.value)
        XCTAssertEqual(p.error, "cancelled")
        let recorded = try await store.calls()
        XCTAssertTrue(recorded.isEmpty)
    }

    /// A token cap holds inside a batch: at 15 tokens a call, a 30-token cap pays for two calls
    /// (a batch of 20 used to claim every call before the first answer came back: 20 calls).
    func testATokenCapHoldsWithinABatch() async throws {
        let server = try TestHTTPServer(
            fallback: .init(
                status: 200, body: TestHTTPServer.openAI(#"{"bleu": 25}"#, tokensIn: 10, tokensOut: 5), delay: 0.05))
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let predictor = try makePredictor(
            OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil, maxConcurrency: 4), store: store,
            budget: Budget(.init(maxTokens: 30)))
        let answers = await predictor.predictAll(tests.prefix(20).map { ($0, demos) }, purpose: "predict")
        XCTAssertEqual(server.requestCount, 2)
        XCTAssertEqual(answers.filter { $0.value != nil }.count, 2)
        XCTAssertEqual(answers.filter(\.budgetExhausted).count, 18)
    }

    /// Token counts no model reports (2^62, 1e308, negative) are unknown: they used to overflow
    /// the running total (a crash) or pay a token cap back.
    func testImpossibleTokenCountsAreUnknown() async throws {
        let bodies = [
            #"{"prompt_tokens": 4611686018427387904, "completion_tokens": 4611686018427387904}"#,
            #"{"prompt_tokens": 1e308, "completion_tokens": -1e308}"#,
            #"{"prompt_tokens": -1000000, "completion_tokens": -5}"#,
        ].map { usage in
            #"{"choices": [{"index": 0, "message": {"role": "assistant", "content": "{\"bleu\": 25}"}}], "usage": \#(usage)}"#
        }
        let server = try TestHTTPServer(script: bodies.map { .init(status: 200, body: $0) })
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let budget = Budget(.init(maxTokens: 1_000))
        let predictor = try makePredictor(
            OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store, budget: budget)
        for t in tests.prefix(3) {
            let p = await predictor.predict(t, demonstrations: demos)
            XCTAssertEqual(p.value, 25)
            let c = try await store.call(id: p.callIDs[0])!
            XCTAssertNil(c.tokensIn)
            XCTAssertNil(c.tokensOut)
        }
        let spent = await budget.tokens
        XCTAssertEqual(spent, 0)
    }

    func testPredictAllAnswersInTheOrderAskedWhateverOrderTheAnswersArrive() async throws {
        let (s, demos, tests) = try LLMFixtures.split123()
        let asked = Array(tests.prefix(6))
        let prompts = try asked.map {
            try LLMFixtures.builder(s).messages(demonstrations: demos, test: $0).last!.content
        }
        // The first question is answered last; each answer says which question it was.
        let server = try TestHTTPServer { request in
            let i = prompts.firstIndex(of: request.lastMessage) ?? -1
            return .init(
                status: 200, body: TestHTTPServer.openAI(#"{"bleu": \#(20 + i)}"#), delay: i == 0 ? 0.4 : 0)
        }
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let predictor = try makePredictor(
            OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil), store: store)
        let counts = AnsweredCounts()
        let answers = await predictor.predictAll(asked.map { ($0, demos) }, purpose: "predict", answered: counts.add)
        XCTAssertEqual(answers.map(\.value), (0..<6).map { Double(20 + $0) })
        XCTAssertEqual(server.requestCount, 6)
        XCTAssertEqual(counts.seen, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(counts.fromCache, [0, 0, 0, 0, 0, 0])
        // Asked again, every answer comes from the cache and says so (a progress line's rate
        // leaves them out: a cached answer's speed made the ETA of fresh ones far too short).
        let again = AnsweredCounts()
        let cached = await predictor.predictAll(asked.map { ($0, demos) }, purpose: "predict", answered: again.add)
        XCTAssertEqual(cached.map(\.value), answers.map(\.value))
        XCTAssertEqual(server.requestCount, 6)
        XCTAssertEqual(again.fromCache, [1, 2, 3, 4, 5, 6])
    }

    func testReplayAnswersFromAnExportedTranscript() async throws {
        let server = try TestHTTPServer(script: [
            .init(status: 200, body: TestHTTPServer.openAI("nothing useful")),
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 25.75}"#)),
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 24.5}"#)),
        ])
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let pr = try makePredictor(OpenAIProvider(model: "gpt-x", baseURL: server.baseURL, apiKey: nil), store: store)
        let orig = [
            await pr.predict(tests[0], demonstrations: demos), await pr.predict(tests[1], demonstrations: demos),
        ]
        let enc = JSONEncoder()
        let lines = try await store.calls(run: "test").reversed().map {
            String(decoding: try enc.encode($0), as: UTF8.self)
        }
        let file = LLMFixtures.tempDir() + "/t.jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let replay = try ReplayProvider(file: file)
        XCTAssertEqual(replay.displayName, "replay of gpt-x")
        let store2 = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let rp = try makePredictor(replay, store: store2)
        let again = [
            await rp.predict(tests[0], demonstrations: demos), await rp.predict(tests[1], demonstrations: demos),
        ]
        XCTAssertEqual(again.map(\.value), orig.map(\.value))
        XCTAssertEqual(again[0].callIDs.count, 2, "the correction is replayed too")
        // An edited transcript answers with its own values, not the first one's from the cache.
        let edited = LLMFixtures.tempDir() + "/edited.jsonl"
        try lines.joined(separator: "\n").replacingOccurrences(of: "25.75", with: "30.5").write(
            toFile: edited, atomically: true, encoding: .utf8)
        let other = try makePredictor(try ReplayProvider(file: edited), store: store2)
        let fromEdited = await other.predict(tests[0], demonstrations: demos)
        XCTAssertEqual(fromEdited.value, 30.5)
        XCTAssertEqual(fromEdited.cachedSamples, 0)
        let sameAgain = await rp.predict(tests[0], demonstrations: demos)
        XCTAssertEqual(sameAgain.value, 25.75)
        XCTAssertEqual(sameAgain.cachedSamples, 1, "the same transcript's answers still come from the cache")
        let missing = await rp.predict(tests[2], demonstrations: demos)
        XCTAssertNil(missing.value)
        XCTAssertTrue(missing.error?.contains("has no answer to this prompt") ?? false, missing.error ?? "")
        XCTAssertThrowsError(try ReplayProvider(file: "/nonexistent.jsonl"))
        try "not json\n".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ReplayProvider(file: file)) { XCTAssertTrue("\($0)".contains("line 1")) }
    }
}

extension Array {
    func asyncMap<T>(_ f: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for x in self { out.append(try await f(x)) }
        return out
    }
}

extension ProviderProtocolTests {
    /// `--llm-timeout` reaches every provider the factory builds (it was fixed: 120 s remote,
    /// 600 s local, 6 attempts: a silent quarter of an hour per answer).
    func testTheLLMTimeoutIsConfigurable() async throws {
        let server = try TestHTTPServer(script: [.init(status: 200, body: "{}", delay: 4)])
        defer { server.stop() }
        let env = [
            "OPENAI_BASE_URL": server.baseURL.absoluteString, "ANTHROPIC_API_KEY": "k",
            "ANTHROPIC_BASE_URL": server.baseURL.absoluteString,
        ]
        let logs = LLMFixtures.tempDir()
        let openai = try await ProviderFactory.make(
            name: "openai", model: "m", replayFile: nil, logDirectory: logs, timeout: 1, environment: env)
        let anthropic = try await ProviderFactory.make(
            name: "anthropic", model: "m", replayFile: nil, logDirectory: logs, timeout: 7, environment: env)
        let plain = try await ProviderFactory.make(
            name: "openai", model: "m", replayFile: nil, logDirectory: logs, environment: env)
        XCTAssertEqual((anthropic as? AnthropicProvider)?.timeout, 7)
        XCTAssertEqual((plain as? OpenAIProvider)?.timeout, 120)
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let t0 = Date()
        let p = try await makePredictor(openai, store: store, retry: .init(maxAttempts: 1)).predict(
            tests[0], demonstrations: demos)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3.5)
        XCTAssertNil(p.value)
        XCTAssertTrue(p.error?.contains("timed out after 1 s") ?? false, p.error ?? "")
        // Stored with the run's settings; settings saved before the option decode without it.
        var s = PredictionSettings()
        s.timeout = 30
        XCTAssertEqual(try JSONDecoder().decode(PredictionSettings.self, from: try JSONEncoder().encode(s)).timeout, 30)
        XCTAssertNil(try JSONDecoder().decode(PredictionSettings.self, from: Data(#"{"samples": 1}"#.utf8)).timeout)
    }
}

/// The counts `predictAll` reported, in the order it reported them.
private final class AnsweredCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var _seen: [Int] = []
    private var _fromCache: [Int] = []
    var seen: [Int] { lock.withLock { _seen } }
    var fromCache: [Int] { lock.withLock { _fromCache } }
    var add: @Sendable (Int, Int) -> Void {
        { [self] n, c in
            lock.withLock {
                _seen.append(n)
                _fromCache.append(c)
            }
        }
    }
}
