import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// JSON over HTTP with a per-request timeout; statuses and headers come back as they are so
/// that the retry policy can read 429's Retry-After.
public struct HTTPClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
    }

    let session: URLSession

    /// `maxConnections`: HTTPS connections to one host at once; at least the provider's
    /// concurrency, or `--concurrency 64` would queue behind 16 sockets.
    public init(timeout: Double, maxConnections: Int = 16) {
        let cfg = URLSessionConfiguration.ephemeral
        cfg.timeoutIntervalForRequest = timeout
        cfg.timeoutIntervalForResource = timeout
        cfg.httpMaximumConnectionsPerHost = max(16, maxConnections)
        session = URLSession(configuration: cfg)
    }

    public func post(_ url: URL, headers: [String: String], body: Data, timeout: Double) async throws -> Response {
        if url.scheme == "http" {
            return try await PlainHTTP.send(
                method: "POST", url: url, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                body: body, timeout: timeout)
        }
        var req = URLRequest(url: url, timeoutInterval: timeout)
        req.httpMethod = "POST"
        req.httpBody = body
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        return try await send(req, timeout: timeout)
    }

    public func get(_ url: URL, timeout: Double) async throws -> Response {
        if url.scheme == "http" {
            return try await PlainHTTP.send(method: "GET", url: url, headers: [:], body: nil, timeout: timeout)
        }
        return try await send(URLRequest(url: url, timeoutInterval: timeout), timeout: timeout)
    }

    private func send(_ req: URLRequest, timeout: Double) async throws -> Response {
        do {
            let (data, resp) = try await session.data(for: req)
            guard let http = resp as? HTTPURLResponse else { throw LLMError.transport("not an HTTP response") }
            guard data.count <= PlainHTTP.maxResponseBytes else {
                throw LLMError.malformed(
                    "response of \(data.count) bytes is over the limit of \(PlainHTTP.maxResponseBytes)")
            }
            var headers: [String: String] = [:]
            for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
            return Response(status: http.statusCode, headers: headers, body: data)
        } catch let e as LLMError {
            throw e
        } catch let e as URLError {
            if e.code == .timedOut { throw LLMError.timeout(timeout) }
            if e.code == .cancelled { throw LLMError.cancelled }
            throw LLMError.transport(e.localizedDescription)
        } catch is CancellationError {
            throw LLMError.cancelled
        } catch {
            throw LLMError.transport("\(error)")
        }
    }
}
