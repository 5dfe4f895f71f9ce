import Foundation
import LLMPPTestSupport
import XCTest

/// `--concurrency N`: the requests an OpenAI-protocol server (vLLM, a paid API) gets at once.
final class ConcurrencyCLITests: XCTestCase {
    /// The most requests that arrived within `window` seconds of each other: with each answer
    /// held `window`+ seconds, the requests in flight at once.
    static func peak(_ arrivals: [Date], window: Double) -> Int {
        arrivals.map { t in arrivals.filter { $0 <= t && t.timeIntervalSince($0) < window }.count }.max() ?? 0
    }

    func peakInFlight(_ extra: [String]) throws -> (Int, Int) {
        let arrivals = Arrivals()
        let server = try TestHTTPServer(handler: { _ in
            arrivals.record()
            return .init(status: 200, body: TestHTTPServer.openAI("{\"accuracy\": 91.5}"), delay: 0.5)
        })
        defer { server.stop() }
        let r = try CLI.run(
            [
                "search", "--space", "nb201-cifar10", "--provider", "openai", "--model", "test-llm", "--labels", "24",
                "--train-steps", "20", "--iterations", "1", "--population", "8", "--switch-at", "1", "--json",
            ] + extra, environment: ["OPENAI_BASE_URL": server.baseURL.absoluteString, "OPENAI_API_KEY": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (Self.peak(arrivals.all, window: 0.4), server.requestCount)
    }

    func testConcurrencySetsTheRequestsInFlight() throws {
        let (wide, wideCount) = try peakInFlight(["--concurrency", "12"])
        XCTAssertEqual(wideCount, 24)
        XCTAssertLessThanOrEqual(wide, 12)
        XCTAssertGreaterThanOrEqual(wide, 10, "12 requests were allowed at once")
        let (plain, _) = try peakInFlight([])
        XCTAssertLessThanOrEqual(plain, 4, "the default for remote APIs")

        // The local server answers one at a time: asking for more is an error that says where
        // concurrency helps, before any server starts.
        let local = try CLI.run([
            "search", "--space", "nb201-cifar10", "--provider", "local", "--labels", "10", "--concurrency", "3",
        ])
        XCTAssertNotEqual(local.status, 0)
        XCTAssertTrue(
            local.stderr.contains("--concurrency 3: the local llama-server answers one request"), local.stderr)
        XCTAssertTrue(local.stderr.contains("--provider openai with OPENAI_BASE_URL"), local.stderr)
        let bad = try CLI.run(["search", "--space", "nb201-cifar10", "--concurrency", "0"])
        XCTAssertTrue(bad.stderr.contains("--concurrency must be in 1...256, got 0"), bad.stderr)
    }
}

/// Request arrival times, from the server's handler threads.
final class Arrivals: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [Date] = []
    func record() { lock.withLock { times.append(Date()) } }
    var all: [Date] { lock.withLock { times } }
}
