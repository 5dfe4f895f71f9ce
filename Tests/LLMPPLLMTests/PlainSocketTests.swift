import Foundation
import LLMPPTestSupport
import XCTest

@testable import LLMPPLLM

#if canImport(Glibc)
    import Glibc
#endif

/// Every wait of a plain-HTTP request ends at its timeout: before, connect() and send()
/// blocked in the kernel, so an unanswered connect took about two minutes and a server that
/// never read the request hung the request for good (both ran past `timeout 20` on the old
/// client).
final class PlainSocketTests: XCTestCase {
    /// A socket bound on 127.0.0.1 that never accepts: listening, the kernel completes
    /// handshakes into its queue of `backlog` + 1 and drops the SYNs beyond it; not listening
    /// (nil), it refuses them.
    final class SilentListener {
        let fd: Int32
        var port = 0

        init(backlog: Int32?) {
            (fd, port) = LoopbackSocket.bind()
            if let backlog { listen(fd, backlog) }
        }

        var url: URL { URL(string: "http://127.0.0.1:\(port)/completion")! }

        /// A connection that takes the queue's place (blocking: the queue has room for it).
        func occupy() -> Int32 {
            let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = UInt16(port).bigEndian
            _ = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            return c
        }
        deinit { close(fd) }
    }

    func expectTimeout(_ url: URL, body: Data, file: StaticString = #filePath, line: UInt = #line) async {
        let start = Date()
        do {
            _ = try await HTTPClient(timeout: 1).post(url, headers: [:], body: body, timeout: 1)
            XCTFail("expected a timeout", file: file, line: line)
        } catch let e as LLMError {
            XCTAssertEqual(e.description, LLMError.timeout(1).description, file: file, line: line)
            XCTAssertTrue(e.isRetryable, file: file, line: line)
        } catch { XCTFail("\(error)", file: file, line: line) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, file: file, line: line)
    }

    func testAConnectNobodyAnswersEndsAtTheTimeout() async throws {
        let listener = SilentListener(backlog: 0)
        // The first connection fills the queue; the request's SYNs are then dropped.
        let filler = listener.occupy()
        defer { close(filler) }
        await expectTimeout(listener.url, body: Data("{}".utf8))
    }

    func testAServerThatNeverReadsTheRequestEndsAtTheTimeout() async throws {
        let listener = SilentListener(backlog: 4)
        // Far more than loopback's socket buffers hold, so sending has to wait for a reader.
        await expectTimeout(listener.url, body: Data(count: 64 << 20))
    }

    func testARefusedConnectionIsATransportErrorNamingTheCause() async throws {
        let bound = SilentListener(backlog: nil)
        do {
            _ = try await HTTPClient(timeout: 2).post(bound.url, headers: [:], body: Data("{}".utf8), timeout: 2)
            XCTFail("expected an error")
        } catch let e as LLMError {
            XCTAssertTrue(e.description.contains("cannot connect to 127.0.0.1"), e.description)
            XCTAssertTrue(e.description.contains("Connection refused"), e.description)
        }
    }

    /// Before, getaddrinfo ran on the request's thread with no bound: a DNS server that did
    /// not answer held a plain-HTTP request for the resolver's own timeouts, past
    /// `--llm-timeout`.
    func testAResolutionThatDoesNotAnswerEndsAtTheTimeout() throws {
        let start = Date()
        let never: HostResolver.Lookup = { host, port in
            Thread.sleep(forTimeInterval: 5)
            return HostResolver.system(host, port)
        }
        XCTAssertThrowsError(
            try HostResolver.resolve("example.test", port: 80, until: start + 0.3, timeout: 0.3, lookup: never)
        ) { XCTAssertEqual(($0 as? LLMError)?.description, LLMError.timeout(0.3).description) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    }

    func testAHostThatDoesNotResolveIsATransportErrorNamingIt() async throws {
        let url = URL(string: "http://no-such-host.invalid:8080/completion")!
        do {
            _ = try await HTTPClient(timeout: 5).post(url, headers: [:], body: Data("{}".utf8), timeout: 5)
            XCTFail("expected an error")
        } catch let e as LLMError {
            XCTAssertEqual(e.description, LLMError.transport("cannot resolve no-such-host.invalid").description)
        }
    }

    func testResolvedAddressesReachTheRequest() throws {
        let addresses = try HostResolver.resolve("127.0.0.1", port: 80, until: Date() + 5, timeout: 5)
        XCTAssertEqual(Int32(addresses.first.pointee.ai_family), AF_INET)
        XCTAssertTrue(HostResolver.isNumeric("::1"))
        XCTAssertFalse(HostResolver.isNumeric("localhost"))
    }
}
