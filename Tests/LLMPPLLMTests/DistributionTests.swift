import Foundation
import LLMPPCore
import LLMPPStore
import LLMPPTestSupport
import XCTest

@testable import LLMPPLLM

/// The digit walk against scripted next-token probabilities, in-process and over HTTP.
final class DistributionTests: XCTestCase {
    /// A model that answers from a table: the text written after the prompt -> next tokens.
    struct ScriptedSource: NextTokenSource {
        let table: [String: [(String, Double)]]
        let prompt = "P"
        func renderPrompt(_ messages: [ChatMessage]) async throws -> String { prompt }
        func nextTokens(_ prompts: [String], topK: Int) async throws -> NextTokenBatch {
            NextTokenBatch(
                candidates: prompts.map { p in
                    (table[String(p.dropFirst(prompt.count))] ?? []).map { TokenCandidate($0.0, $0.1) }
                },
                tokensIn: prompts.count, tokensOut: prompts.count)
        }
    }

    /// Two-digit scores below 40 with one decimal: "25" cannot take a third digit, so the
    /// point is written without asking; "1" can (19) or stop (1.x).
    static let table: [String: [(String, Double)]] = [
        "": [("2", 0.81), ("1", 0.09), ("x", 0.10)],  // "x" is not a number: renormalised away
        "2": [("5", 0.6), ("6", 0.4)],
        "1": [("9", 0.5), (".", 0.5)],
        "25.": [("0", 0.5), ("5", 0.5)],
        "26.": [("0", 1.0)],
        "19.": [("1", 1.0)],
        "1.": [("5", 1.0)],
    ]
    static let settings = DigitWalkSettings(threshold: 0.001, decimals: 1, low: 0, high: 40)

    func testWalkGivesTheTreesDistributionRenormalisedOverNumbers() async throws {
        let r = try await DigitTreeWalk.walk(
            prompt: "P", settings: Self.settings, source: ScriptedSource(table: Self.table))
        let pts = r.distribution.points.map { ($0.value, $0.probability) }
        let expected: [(Double, Double)] = [(1.55, 0.05), (19.15, 0.05), (25.05, 0.27), (25.55, 0.27), (26.05, 0.36)]
        XCTAssertEqual(pts.count, expected.count)
        for (a, b) in zip(pts, expected) {
            XCTAssertEqual(a.0, b.0, accuracy: 1e-9)
            XCTAssertEqual(a.1, b.1, accuracy: 1e-9)
        }
        XCTAssertEqual(r.distribution.median, 25.55, accuracy: 1e-9)
        XCTAssertEqual(
            r.distribution.mean, 0.05 * 1.55 + 0.05 * 19.15 + 0.27 * 25.05 + 0.27 * 25.55 + 0.36 * 26.05, accuracy: 1e-9
        )
        XCTAssertEqual(r.distribution.mode, 26.05, accuracy: 1e-9)
        // Greedy: 2 (.9), 5 (.6), then a tie 0/5 broken by the text: 25.0.
        XCTAssertEqual(try XCTUnwrap(r.distribution.greedy), 25.05, accuracy: 1e-9)
        XCTAssertEqual(r.distribution.interval.low, 19.15, accuracy: 1e-9)
        XCTAssertEqual(r.distribution.interval.high, 26.05, accuracy: 1e-9)
        // One request per depth: root; "2" and "1"; the four nodes with a point.
        XCTAssertEqual(r.requests, 3)
        XCTAssertEqual(r.prompts, 7)
    }

    /// A cut leaf is the decimal midpoint itself: 45.8 + 0.05 was 45.849999999999994 in
    /// every output; distributions stored that way read back as the decimal.
    func testLeafValuesAreTheDecimalMidpointsExactly() throws {
        for tenths in 0...999 {
            let text = String(format: "%.1f", Double(tenths) / 10)
            let leaf = DigitTreeWalk.leafValue(text, settings: Self.settings, cut: true)
            XCTAssertEqual(leaf, Double(text + "5")!, text)
            XCTAssertEqual("\(leaf)", text + "5")
        }
        let whole = DigitWalkSettings(threshold: 0.001, decimals: 0, low: 0, high: 40)
        XCTAssertEqual(DigitTreeWalk.leafValue("25.", settings: whole, cut: true), 25.5)
        let stored = try XCTUnwrap(
            ScoreDistribution(points: [.init(45.849999999999994, 1)], source: .digitTree, greedy: 45.849999999999994))
        XCTAssertEqual(stored.median, 45.85)
        XCTAssertEqual(stored.greedy, 45.85)
        XCTAssertEqual(JSONValue.number(stored.median).rendered(pretty: false), "45.85")
    }

    func testPruningDropsUnlikelyBranchesButNeverTheGreedyPath() async throws {
        var s = Self.settings
        s.threshold = 0.06
        let r = try await DigitTreeWalk.walk(prompt: "P", settings: s, source: ScriptedSource(table: Self.table))
        XCTAssertEqual(r.distribution.points.map(\.value), [25.05, 25.55, 26.05])
        XCTAssertEqual(r.distribution.points.map(\.probability).reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(r.distribution.points[2].probability, 0.4, accuracy: 1e-9)
        // A threshold above every branch still keeps the greedy answer.
        s.threshold = 0.99
        let g = try await DigitTreeWalk.walk(prompt: "P", settings: s, source: ScriptedSource(table: Self.table))
        XCTAssertEqual(g.distribution.points.map(\.value), [25.05])
    }

    func testRangeLeadingZerosAndIntegersEndingTheNumber() async throws {
        // 0 cannot be followed by a digit, 100 is the most the range allows, "7}" ends at 7.
        let t: [String: [(String, Double)]] = [
            "": [("0", 0.25), ("1", 0.25), ("7", 0.5)],
            "0": [("5", 0.5), (".", 0.5)], "0.": [("2", 1)],
            "1": [("0", 1)], "10": [("0", 0.5), ("1", 0.5)], "100.": [("0", 1)],
            "7": [("}", 1)],
        ]
        let s = DigitWalkSettings(threshold: 0.001, decimals: 1, low: 0, high: 100)
        let r = try await DigitTreeWalk.walk(prompt: "P", settings: s, source: ScriptedSource(table: t))
        XCTAssertEqual(r.distribution.points.map(\.value), [0.25, 7, 100])
        XCTAssertEqual(r.distribution.points.map(\.probability), [0.25, 0.5, 0.25])
    }

    func testAServerWithoutProbabilitiesOrWithoutANumberIsAClearError() async throws {
        do {
            _ = try await DigitTreeWalk.walk(prompt: "P", settings: Self.settings, source: ScriptedSource(table: [:]))
            XCTFail("no probabilities must fail")
        } catch let e as LLMError { XCTAssertTrue(e.description.contains("no token probabilities"), e.description) }
        do {
            _ = try await DigitTreeWalk.walk(
                prompt: "P", settings: Self.settings, source: ScriptedSource(table: ["": [("I", 0.9), ("The", 0.1)]]))
            XCTFail("no number must fail")
        } catch let e as LLMError { XCTAssertTrue(e.description.contains("does not start a number"), e.description) }
    }

    func testScoreDistributionStatisticsAndJSONRoundTrip() throws {
        let d = try XCTUnwrap(
            ScoreDistribution(
                points: [.init(3, 1), .init(1, 1), .init(2, 2), .init(.nan, 5), .init(4, 0)], source: .digitTree,
                greedy: 2))
        XCTAssertEqual(d.points.map(\.value), [1, 2, 3])
        XCTAssertEqual(d.median, 2)
        XCTAssertEqual(d.mean, 2)
        XCTAssertEqual(d.quantile(0.1), 1)
        XCTAssertEqual(d.quantile(0.9), 3)
        XCTAssertEqual(ScoreDistribution.fromJSONText(d.jsonText), d)
        XCTAssertNil(ScoreDistribution(points: [.init(1, 0)], source: .samples))
        XCTAssertEqual(ScoreDistribution(samples: [25, 26, 26, 27])?.median, 26)
        // Probabilities that are not exact in binary survive a store-and-read bit for bit (a replay
        // of the real server's walk differed in the 17th digit when they were renormalised again).
        let awkward = try XCTUnwrap(
            ScoreDistribution(
                points: (1...37).map { .init(20 + Double($0) / 10, 1 / Double($0 % 7 + 3)) }, source: .digitTree))
        XCTAssertEqual(ScoreDistribution.fromJSONText(awkward.jsonText), awkward)
        XCTAssertEqual(
            ScoreDistribution.fromJSONText(ScoreDistribution.fromJSONText(awkward.jsonText)!.jsonText), awkward)
    }

    // MARK: over HTTP, through the predictor and the transcript store

    func makePredictor(
        _ server: TestHTTPServer, store: TranscriptStore, decode: PredictionSettings.Decode = .distribution
    ) throws -> LLMPredictor {
        let (s, _, _) = try LLMFixtures.split123()
        let provider = OpenAIProvider(
            name: "local", model: "m", baseURL: server.baseURL, apiKey: nil, maxConcurrency: 1,
            llamaServer: LlamaServerClient(root: FakeLlamaServer.root(server)))
        return LLMPredictor(
            provider: provider, store: store, run: "test", builder: try LLMFixtures.builder(s),
            settings: PredictionSettings(decode: decode))
    }

    static let bleuTable: [String: [(String, Double)]] = [
        "": [("2", 1)], "2": [("5", 0.5), ("6", 0.5)], "25.": [("5", 1)], "26.": [("5", 1)],
    ]

    func testDistributionIsStoredCachedExportedAndReplayed() async throws {
        let server = try FakeLlamaServer.make(digits: Self.bleuTable)
        defer { server.stop() }
        let dir = LLMFixtures.tempDir()
        let store = try TranscriptStore(path: dir + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try await makePredictor(server, store: store).predict(tests[0], demonstrations: demos)
        let d = try XCTUnwrap(p.distribution)
        XCTAssertEqual(d.points.map(\.value), [25.55, 26.55])
        XCTAssertEqual(p.value, d.median)
        XCTAssertEqual(d.greedy, 25.55)
        // apply-template once, then one /completion per depth (root, "2", the two points).
        XCTAssertEqual(
            server.requests.map { URL(string: $0.path)!.lastPathComponent },
            ["apply-template", "completion", "completion", "completion"])
        let sent = server.requests[1].json
        XCTAssertEqual(sent["n_probs"] as? Int, 40)
        XCTAssertEqual(sent["cache_prompt"] as? Bool, true)
        XCTAssertTrue(((sent["prompt"] as? [String])?.first ?? "").hasSuffix("<|assistant|>{\"bleu\": "))
        let record = try await XCTUnwrapAsync(try await store.calls(run: "test").first)
        XCTAssertEqual(ScoreDistribution.fromJSONText(record.distribution), d)
        XCTAssertEqual(record.tokensIn, 12)  // 3 tokens evaluated per prompt (the cached prefix excluded), 4 prompts
        // Cached: no request, same distribution.
        let before = server.requestCount
        let again = try await makePredictor(server, store: store).predict(tests[0], demonstrations: demos)
        XCTAssertEqual(server.requestCount, before)
        XCTAssertEqual(again.distribution, d)
        XCTAssertEqual(again.cachedSamples, 1)
        // Exported and replayed in a fresh store: the same distribution.
        let file = dir + "/t.jsonl"
        let lines = try await store.calls(run: "test").map {
            String(decoding: try JSONEncoder().encode($0), as: UTF8.self)
        }
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let replay = try ReplayProvider(file: file)
        XCTAssertTrue(replay.supportsDistribution)
        let (s, _, _) = try LLMFixtures.split123()
        let rp = LLMPredictor(
            provider: replay, store: try TranscriptStore(path: dir + "/db2.sqlite"), run: "r",
            builder: try LLMFixtures.builder(s),
            settings: PredictionSettings(decode: .distribution))
        let replayed = await rp.predict(tests[0], demonstrations: demos)
        XCTAssertEqual(replayed.distribution, d)
        XCTAssertEqual(replayed.value, p.value)
    }

    /// A greedy answer to the same prompt is not a distribution: the walk is part of the
    /// question's identity in the cache and in replay (it was not: a cached greedy answer came
    /// back, without a distribution, to a distribution request).
    func testAGreedyAnswerIsNeverServedForAWalk() throws {
        let (s, demos, tests) = try LLMFixtures.split123()
        let provider = OpenAIProvider(
            name: "local", model: "m", baseURL: URL(string: "http://127.0.0.1:9/v1")!, apiKey: nil,
            llamaServer: LlamaServerClient(root: URL(string: "http://127.0.0.1:9")!))
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let messages = try LLMFixtures.builder(s).messages(demonstrations: demos, test: tests[0])
        func request(_ d: PredictionSettings.Decode) throws -> CompletionRequest {
            LLMPredictor(
                provider: provider, store: store, run: "t", builder: try LLMFixtures.builder(s),
                settings: PredictionSettings(decode: d)
            )
            .request(messages: messages)
        }
        let greedy = try request(.greedy)
        let walk = try request(.distribution)
        XCTAssertNotNil(walk.walk)
        XCTAssertNotEqual(CallKey.parametersJSON(greedy), CallKey.parametersJSON(walk))
        XCTAssertNotEqual(
            CallKey.cacheKey(provider: "local", model: "m", request: greedy, sampleIndex: 0),
            CallKey.cacheKey(provider: "local", model: "m", request: walk, sampleIndex: 0))
        XCTAssertFalse(CallKey.parametersJSON(greedy).contains("walk"), "ordinary requests keep their keys")
    }

    func testGarbageMidWalkIsAnErrorAndNothingHalfStored() async throws {
        let server = try FakeLlamaServer.make(digits: Self.bleuTable, failOn: "2")
        defer { server.stop() }
        let store = try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite")
        let (_, demos, tests) = try LLMFixtures.split123()
        let p = try await makePredictor(server, store: store).predict(tests[0], demonstrations: demos)
        XCTAssertNil(p.value)
        XCTAssertNil(p.distribution)
        XCTAssertTrue((p.error ?? "").contains("completion_probabilities"), p.error ?? "")
        let records = try await store.calls(run: "test")
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(records[0].status, .error)
        XCTAssertNil(records[0].distribution)
        let cached = try await store.cached(cacheKey: records[0].cacheKey)
        XCTAssertNil(cached)
    }

    func testProvidersWithoutProbabilitiesGiveTheSamplesDistribution() async throws {
        let server = try TestHTTPServer(script: [
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 25}"#)),
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 26}"#)),
            .init(status: 200, body: TestHTTPServer.openAI(#"{"bleu": 26}"#)),
        ])
        defer { server.stop() }
        let (s, demos, tests) = try LLMFixtures.split123()
        let pr = LLMPredictor(
            provider: OpenAIProvider(model: "m", baseURL: server.baseURL, apiKey: nil, maxConcurrency: 1),
            store: try TranscriptStore(path: LLMFixtures.tempDir() + "/db.sqlite"), run: "t",
            builder: try LLMFixtures.builder(s), settings: PredictionSettings(samples: 3, decode: .distribution))
        XCTAssertFalse(pr.walking)
        let p = await pr.predict(tests[0], demonstrations: demos)
        XCTAssertEqual(p.distribution?.source, .samples)
        XCTAssertEqual(p.distribution?.points.map(\.value), [25, 26])
        XCTAssertEqual(p.value, 26)
        XCTAssertNil(server.requests[0].json["walk"])
    }
}

func XCTUnwrapAsync<T>(_ v: T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    try XCTUnwrap(v, file: file, line: line)
}
