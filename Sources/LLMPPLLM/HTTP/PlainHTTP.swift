import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP/1.1 over a plain socket, for `http://` endpoints (the local llama-server, vLLM or
/// Ollama on the network). URLSession on Linux spins a core while it waits (measured: 5.3
/// CPU-seconds for one 6-second request), which on 2 cores takes half the machine from the
/// model it is waiting for. This client blocks in poll() on its own thread instead.
enum PlainHTTP {
    static func send(method: String, url: URL, headers: [String: String], body: Data?, timeout: Double) async throws
        -> HTTPClient.Response
    {
        try await withCheckedThrowingContinuation { cont in
            let t = Thread {
                do {
                    cont.resume(
                        returning: try sendBlocking(
                            method: method, url: url, headers: headers, body: body, timeout: timeout))
                } catch { cont.resume(throwing: error) }
            }
            t.start()
        }
    }

    static func sendBlocking(method: String, url: URL, headers: [String: String], body: Data?, timeout: Double) throws
        -> HTTPClient.Response
    {
        guard let host = url.host else { throw LLMError.transport("no host in \(url)") }
        let port = url.port ?? 80
        let deadline = Date().addingTimeInterval(timeout)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else {
            throw LLMError.transport("cannot resolve \(host)")
        }
        defer { freeaddrinfo(res) }
        var fd: Int32 = -1
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd >= 0 {
                if connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { break }
                close(fd)
                fd = -1
            }
            ai = a.pointee.ai_next
        }
        guard fd >= 0 else {
            throw LLMError.transport("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))

        var path = url.path.isEmpty ? "/" : url.path
        if let q = url.query { path += "?" + q }
        var head =
            "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nAccept: application/json\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        var out = Data(head.utf8)
        if let body { out.append(body) }
        try out.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                if n <= 0 { throw LLMError.transport("connection reset while sending") }
                off += n
            }
        }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let maxBody = maxResponseBytes
        while true {
            if let r = try HTTPResponseFraming.parse(data, closed: false, maxBodyBytes: maxBody) { return response(r) }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { throw LLMError.timeout(timeout) }
            let r = poll(&pfd, 1, Int32(min(left, 1) * 1000))
            if r < 0 && errno != EINTR { throw LLMError.transport("poll: \(String(cString: strerror(errno)))") }
            if r <= 0 { continue }
            let n = recv(fd, &buf, buf.count, 0)
            if n < 0 { throw LLMError.transport("connection reset: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data.append(contentsOf: buf[0..<n])
            if data.count > maxBody + HTTPResponseFraming.maxHeaderBytes + 1024 {
                throw LLMError.malformed("response over the limit of \(maxBody) bytes")
            }
        }
        // Closed by the server: a whole response, or a clear error for what was cut short.
        guard let r = try HTTPResponseFraming.parse(data, closed: true, maxBodyBytes: maxBody) else {
            throw LLMError.transport("connection closed before the response ended")
        }
        return response(r)
    }

    static func response(_ r: HTTPResponseFraming.Response) -> HTTPClient.Response {
        HTTPClient.Response(status: r.status, headers: r.headers, body: Data(r.body))
    }

    /// The largest response body accepted: 1 MB, or `LLMPP_MAX_RESPONSE_BYTES`.
    static var maxResponseBytes: Int {
        ProcessInfo.processInfo.environment["LLMPP_MAX_RESPONSE_BYTES"].flatMap { Int($0) }.flatMap {
            $0 > 0 ? $0 : nil
        } ?? 1_048_576
    }
}
