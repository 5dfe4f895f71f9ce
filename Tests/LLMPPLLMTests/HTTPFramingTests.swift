import Foundation
import LLMPPTestSupport
import XCTest

@testable import LLMPPLLM

/// A server can send anything: every frame below gives a response or a clear error, never a
/// trap (each of these crashed the client before with exit 132).
final class HTTPFramingTests: XCTestCase {
    static let ok = #"{"choices":[{"message":{"content":"{\"bleu\": 25}"}}]}"#

    func post(_ server: RawTCPServer) async throws -> HTTPClient.Response {
        try await HTTPClient(timeout: 5).post(server.url, headers: [:], body: Data("{}".utf8), timeout: 5)
    }

    func expectError(
        _ raw: String, contains text: String, retryable: Bool, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let server = try RawTCPServer(raw)
        defer { server.stop() }
        do {
            let r = try await post(server)
            XCTFail("expected an error, got status \(r.status) with \(r.body.count) bytes", file: file, line: line)
        } catch let e as LLMError {
            XCTAssertTrue(e.description.contains(text), e.description, file: file, line: line)
            XCTAssertEqual(e.isRetryable, retryable, e.description, file: file, line: line)
        }
    }

    func testHostileFramesAreErrorsNotCrashes() async throws {
        try await expectError(
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n\(Self.ok)", contains: "invalid Content-Length",
            retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nx", contains: "invalid Content-Length",
            retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nx", contains: "invalid Content-Length",
            retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nContent-Length: 900000000\r\n\r\nx", contains: "over the limit", retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nxxxxxx", contains: "conflicting",
            retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n0\r\n\r\n",
            contains: "invalid chunk size", retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc\r\n0\r\n\r\n",
            contains: "invalid chunk size", retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\nabc\r\n", contains: "over the limit",
            retryable: false)
        try await expectError("garbage\r\n\r\n", contains: "bad status line", retryable: false)
        try await expectError("HTTP/1.1 99999999999999999999 X\r\n\r\n", contains: "bad status line", retryable: false)
    }

    func testAResponseCutShortIsARetryableTransportError() async throws {
        try await expectError(
            "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"choices\":",
            contains: "closed mid-body (11 of 500 bytes)", retryable: true)
        try await expectError(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789", contains: "closed mid-body",
            retryable: true)
        try await expectError("HTTP/1.1 200 OK\r\nContent-", contains: "inside the response headers", retryable: true)
        try await expectError("", contains: "closed before a response", retryable: true)
    }

    func testOversizedBodiesAndHeadersAreRefused() async throws {
        let big = String(repeating: "a", count: 1_100_000)
        try await expectError("HTTP/1.1 200 OK\r\n\r\n" + big, contains: "over the limit", retryable: false)
        try await expectError(
            "HTTP/1.1 200 OK\r\nX: " + String(repeating: "h", count: 70_000) + "\r\n\r\n", contains: "headers longer",
            retryable: false)
    }

    func testTricklesChunksAndCloseDelimitedBodiesStillWork() async throws {
        let body = Self.ok
        let framed = "HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        let trickle = try RawTCPServer(framed, pieces: 12, pause: 0.01)
        defer { trickle.stop() }
        let r = try await post(trickle)
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self), body)
        let half = body.utf8.count / 2
        let chunkedText =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + String(half, radix: 16) + "\r\n" + String(body.prefix(half)) + "\r\n"
            + String(body.utf8.count - half, radix: 16) + ";ext=1\r\n" + String(body.dropFirst(half)) + "\r\n0\r\n\r\n"
        let chunked = try RawTCPServer(chunkedText, pieces: 5)
        defer { chunked.stop() }
        let viaChunks = try await post(chunked)
        XCTAssertEqual(String(decoding: viaChunks.body, as: UTF8.self), body)
        let closeDelimited = try RawTCPServer("HTTP/1.1 503 Busy\r\nRetry-After: 2\r\n\r\nbusy")
        defer { closeDelimited.stop() }
        let c = try await post(closeDelimited)
        XCTAssertEqual(c.status, 503)
        XCTAssertEqual(c.headers["retry-after"], "2")
        XCTAssertEqual(String(decoding: c.body, as: UTF8.self), "busy")
    }

    /// A response read as its bytes arrive, one at a time, gives what the whole bytes give,
    /// and decoded chunks are kept: the whole buffer was parsed again after each read, which
    /// kept a core busy while a server dripped one-byte chunks every millisecond.
    func testAResponseReadByteByByteKeepsItsDecodedChunks() throws {
        var text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        for c in "abcdefghij" { text += "1\r\n\(c)\r\n" }
        text += "0\r\n\r\n"
        let bytes = Array(text.utf8)
        var reader = HTTPResponseReader(maxBodyBytes: 100)
        var got: HTTPResponseFraming.Response? = nil
        var decodedAfterThreeChunks = -1
        let threeChunksEnd = text.range(of: "c\r\n")!.upperBound.utf16Offset(in: text)
        // Whole once the last chunk's size line has come (its trailer is not waited for).
        let lastChunk = bytes.count - 2
        for (n, b) in bytes.prefix(lastChunk).enumerated() {
            XCTAssertNil(got, "a response before its last chunk")
            reader.data.append(b)
            got = try reader.response(closed: false)
            if n + 1 == threeChunksEnd + 2 { decodedAfterThreeChunks = reader.chunkedBytesDecoded }
        }
        XCTAssertEqual(got?.body, Array("abcdefghij".utf8))
        XCTAssertEqual(got, try HTTPResponseFraming.parse(bytes, closed: false, maxBodyBytes: 100))
        XCTAssertEqual(decodedAfterThreeChunks, 3)
    }

    /// The framing reader alone, on every prefix of a valid response and on mutations of it.
    func testEveryPrefixAndByteFlipGivesAValueOrAnError() throws {
        let valid = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n".utf8)
        for n in 0...valid.count {
            for closed in [false, true] {
                _ = try? HTTPResponseFraming.parse(Array(valid.prefix(n)), closed: closed, maxBodyBytes: 100)
            }
        }
        XCTAssertEqual(try HTTPResponseFraming.parse(valid, closed: false, maxBodyBytes: 100)?.body, Array("abcd".utf8))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var m = valid
            for _ in 0..<3 { m[Int.random(in: 0..<m.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            _ = try? HTTPResponseFraming.parse(m, closed: Bool.random(using: &rng), maxBodyBytes: 100)
        }
    }
}
