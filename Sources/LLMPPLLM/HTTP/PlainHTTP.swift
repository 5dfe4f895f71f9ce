import Foundation

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
        let socket = try PlainSocket(host: host, port: port, timeout: timeout)
        try socket.sendAll(request(method: method, url: url, host: host, port: port, headers: headers, body: body))
        return try readResponse(socket)
    }

    /// The request's bytes: the head (the connection closes after one response) and the body.
    static func request(method: String, url: URL, host: String, port: Int, headers: [String: String], body: Data?)
        -> Data
    {
        var path = url.path.isEmpty ? "/" : url.path
        if let q = url.query { path += "?" + q }
        var head =
            "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nAccept: application/json\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        var out = Data(head.utf8)
        if let body { out.append(body) }
        return out
    }

    /// Reads until a whole response has arrived (framed by its length or chunks) or the server
    /// closes; a response over the size limit is refused as soon as it is.
    static func readResponse(_ socket: PlainSocket) throws -> HTTPClient.Response {
        let maxBody = maxResponseBytes
        var reader = HTTPResponseReader(maxBodyBytes: maxBody)
        while true {
            if let r = try reader.response(closed: false) { return response(r) }
            guard try socket.receive(into: &reader.data) else { break }
            if reader.data.count > maxBody + HTTPResponseFraming.maxHeaderBytes + 1024 {
                throw LLMError.malformed("response over the limit of \(maxBody) bytes")
            }
        }
        // Closed by the server: a whole response, or a clear error for what was cut short.
        guard let r = try reader.response(closed: true) else {
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
