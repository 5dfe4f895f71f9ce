import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A scripted HTTP/1.1 server on 127.0.0.1 for provider tests: it records each request and
/// answers with the next scripted response (status, headers, body, optional delay), one
/// request per connection. Speaks enough of the protocol for URLSession.
public final class TestHTTPServer: @unchecked Sendable {
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String] = [:]
        public var body: String
        public var delay: Double = 0
        public init(status: Int, headers: [String: String] = [:], body: String, delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
        }
    }
    public struct Request: @unchecked Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        /// The last message's text (the question, for a chat request).
        public var lastMessage: String { ((json["messages"] as? [[String: Any]])?.last?["content"] as? String) ?? "" }
    }

    private let fd: Int32
    public private(set) var port: Int = 0
    private let lock = NSLock()
    private var script: [Reply]
    /// Used when the script runs out.
    public var fallback: Reply?
    /// Computes the reply from the request when set (after the script runs out).
    public var handler: (@Sendable (Request) -> Reply)?
    private var _requests: [Request] = []
    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return _requests
    }
    private var running = true

    public init(script: [Reply] = [], fallback: Reply? = nil, handler: (@Sendable (Request) -> Reply)? = nil) throws {
        self.handler = handler
        self.script = script
        self.fallback = fallback
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let fd = self.fd
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listen(fd, 64)
        let t = Thread { [weak self] in self?.acceptLoop() }
        t.start()
    }

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    public func enqueue(_ r: Reply) {
        lock.lock()
        script.append(r)
        lock.unlock()
    }

    public var requestCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return _requests.count
    }

    /// Idempotent. Only shuts the socket down: the accept loop closes it when it leaves, so
    /// that its descriptor cannot be reused (by the next test's server) while the loop may
    /// still call accept() on it and steal that server's connections.
    public func stop() {
        lock.withLock {
            if running { shutdown(fd, Int32(SHUT_RDWR)) }
            running = false
        }
    }

    deinit { stop() }

    private func acceptLoop() {
        while true {
            let c = accept(fd, nil, nil)
            let failure = errno
            lock.lock()
            let live = running
            lock.unlock()
            if c >= 0 && live {
                Thread { [weak self] in self?.handle(c) }.start()
                continue
            }
            if c >= 0 { close(c) }
            if live && (failure == EINTR || failure == ECONNABORTED) { continue }
            // Leaving: under the lock, so that stop() never shuts down a descriptor closed here.
            lock.withLock {
                running = false
                close(fd)
            }
            return
        }
    }

    private func handle(_ c: Int32) {
        defer { close(c) }
        var buf = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int? = nil
        var contentLength = 0
        while true {
            let n = recv(c, &chunk, chunk.count, 0)
            if n <= 0 { return }
            buf.append(contentsOf: chunk[0..<n])
            if headerEnd == nil, let r = find(buf, Array("\r\n\r\n".utf8)) {
                headerEnd = r + 4
                let head = String(decoding: buf[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let h = headerEnd, buf.count >= h + contentLength { break }
        }
        let h = headerEnd!
        let head = String(decoding: buf[0..<(h - 4)], as: UTF8.self).split(separator: "\r\n")
        let first = head.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let req = Request(
            method: first.count > 0 ? String(first[0]) : "", path: first.count > 1 ? String(first[1]) : "",
            headers: headers, body: Data(buf[h..<(h + contentLength)]))
        lock.lock()
        _requests.append(req)
        let replyHandler = handler
        let reply =
            !script.isEmpty
            ? script.removeFirst()
            : (replyHandler?(req) ?? fallback ?? Reply(status: 500, body: "{\"error\":\"script exhausted\"}"))
        lock.unlock()
        if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
        let body = Array(reply.body.utf8)
        var out =
            "HTTP/1.1 \(reply.status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (k, v) in reply.headers { out += "\(k): \(v)\r\n" }
        out += "\r\n"
        let bytes = Array(out.utf8) + body
        _ = bytes.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count)
        where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    // MARK: protocol bodies

    public static func openAI(
        _ content: String, tokensIn: Int = 100, tokensOut: Int = 5, logprobs: [(String, [(String, Double)])]? = nil
    ) -> String {
        var choice: [String: Any] = [
            "index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": content],
        ]
        if let lp = logprobs {
            choice["logprobs"] = [
                "content": lp.map { tok, alts in
                    [
                        "token": tok, "logprob": alts.first { $0.0 == tok }?.1 ?? 0,
                        "top_logprobs": alts.map { ["token": $0.0, "logprob": $0.1] },
                    ] as [String: Any]
                }
            ]
        }
        let obj: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "test-model", "choices": [choice],
            "usage": ["prompt_tokens": tokensIn, "completion_tokens": tokensOut, "total_tokens": tokensIn + tokensOut],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: obj), as: UTF8.self)
    }

    public static func anthropic(_ text: String, tokensIn: Int = 100, tokensOut: Int = 5) -> String {
        let obj: [String: Any] = [
            "id": "msg_test", "type": "message", "role": "assistant", "model": "claude-test",
            "content": [["type": "text", "text": text]], "stop_reason": "end_turn",
            "usage": ["input_tokens": tokensIn, "output_tokens": tokensOut],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: obj), as: UTF8.self)
    }
}
