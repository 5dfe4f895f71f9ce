import LLMPPCore
import XCTest

@testable import LLMPPLLM

final class ResponseParserTests: XCTestCase {
    let p = ResponseParser(key: "bleu", metric: "BLEU", range: 0...100)

    func testStructuredAndTextAnswers() {
        XCTAssertEqual(p.parse(#"{"bleu": 26.1}"#), .value(26.1, method: .json))
        XCTAssertEqual(p.parse(#"```json\n{"BLEU": "25.40"}\n```"#), .value(25.4, method: .json))
        XCTAssertEqual(p.parse(#"{"score": 24}"#), .value(24, method: .json))
        XCTAssertEqual(p.parse("26.13"), .value(26.13, method: .firstNumber))
        XCTAssertEqual(p.parse("BLEU: 25.9"), .value(25.9, method: .afterMetric))
        XCTAssertEqual(
            p.parse("Looking at the 10 examples, I estimate a BLEU score of about 26.4 for it."),
            .value(26.4, method: .afterMetric))
        XCTAssertEqual(
            p.parse("The test architecture has 6 encoder layers; my estimate is 25.7"), .value(6, method: .firstNumber))
        // 0 and 1 are numbers on Linux too (NSNumber answers `is Bool` for them).
        XCTAssertEqual(p.parse(#"{"bleu": 1}"#), .value(1, method: .json))
        XCTAssertEqual(p.parse(#"{"bleu": 0.0}"#), .value(0, method: .json))
    }

    func testGarbageIsMissingOrOutOfRangeNeverACrash() {
        XCTAssertEqual(p.parse(""), .missing("empty answer"))
        XCTAssertEqual(p.parse("   \n"), .missing("empty answer"))
        XCTAssertEqual(p.parse("I cannot estimate that."), .missing("no number in the answer"))
        // Truncated JSON: the number is still read.
        XCTAssertEqual(p.parse(#"{"bleu": 2"#), .value(2, method: .afterMetric))
        XCTAssertEqual(p.parse(#"{"bleu": "#), .missing("no number in the answer"))
        XCTAssertEqual(p.parse("1e308"), .outOfRange(1e308))
        XCTAssertEqual(p.parse("BLEU: 250"), .outOfRange(250))
        XCTAssertEqual(p.parse(#"{"bleu": -3}"#), .outOfRange(-3))
        // 400 nines overflow to inf: not a number.
        XCTAssertEqual(p.parse(String(repeating: "9", count: 400)), .missing("no number in the answer"))
        XCTAssertEqual(p.parse(#"{"bleu": true}"#), .missing("no number in the answer"))
    }

    /// Numbers inside terminal sequences were answers: OSC 52's "52" was predicted, exit 0.
    func testNumbersInsideTerminalSequencesAreNotAnswers() {
        XCTAssertEqual(
            p.parse("\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{1b}]0;PWNED\u{7} no number here"),
            .missing("no number in the answer"))
        XCTAssertEqual(p.parse("\u{1b}[38;5;196mBLEU: 25.5\u{1b}[0m"), .value(25.5, method: .afterMetric))
        XCTAssertEqual(p.parse("\u{9b}31m 26.2"), .value(26.2, method: .firstNumber))
        XCTAssertEqual(p.parse("\u{1b}P1$r0m\u{1b}\\ 24"), .value(24, method: .firstNumber))
    }

    /// Seeded random answers of many shapes: the parser always returns, values are in range.
    func testFuzz() {
        var rng = SeededGenerator(seed: 3)
        let pieces = [
            "{", "}", "\"bleu\"", ":", " ", "BLEU", "-", ".", "e", "E", "+", "26", "3", "0", "1e9", "nan", "inf", "\n",
            "```", "\u{00e9}", "\u{1F600}", "\"", ",", "[", "]", "null",
        ]
        for _ in 0..<20000 {
            let text = (0..<rng.index(16)).map { _ in pieces[rng.index(pieces.count)] }.joined()
            switch p.parse(text) {
            case .value(let v, _): XCTAssertTrue((0...100).contains(v), "\(v) from \(text)")
            case .outOfRange(let v): XCTAssertFalse((0...100).contains(v) && v.isFinite, "\(v) from \(text)")
            case .missing: break
            }
        }
    }

    func testRetryPolicy() {
        let r = RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 8)
        XCTAssertEqual(r.delay(after: 1, error: .http(status: 429, body: "", retryAfter: 7), jitter: 0.9), 7)
        XCTAssertEqual(r.delay(after: 1, error: .http(status: 500, body: "", retryAfter: nil), jitter: 0), 0.5)
        XCTAssertEqual(r.delay(after: 3, error: .http(status: 503, body: "", retryAfter: nil), jitter: 1), 4)
        XCTAssertEqual(r.delay(after: 2, error: .timeout(30), jitter: 0.5), 1.5)
        XCTAssertNil(r.delay(after: 4, error: .timeout(30), jitter: 0))  // attempts used up
        XCTAssertNil(r.delay(after: 1, error: .http(status: 400, body: "", retryAfter: nil), jitter: 0))
        XCTAssertNil(r.delay(after: 1, error: .malformed("x"), jitter: 0))
        XCTAssertNil(r.delay(after: 1, error: .http(status: 429, body: "", retryAfter: 10_000), jitter: 0))
        // Retry-After 0 or negative backs off (it retried six times in 45 ms).
        XCTAssertEqual(r.delay(after: 2, error: .http(status: 429, body: "", retryAfter: 0), jitter: 1), 2)
        XCTAssertEqual(r.delay(after: 1, error: .http(status: 429, body: "", retryAfter: -5), jitter: 0), 0.5)
        XCTAssertEqual(
            RetryPolicy(maxAttempts: 10, baseDelay: 1, maxDelay: 8).delay(
                after: 9, error: .transport("reset"), jitter: 1), 8)
    }
}
