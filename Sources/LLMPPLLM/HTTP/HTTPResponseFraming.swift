/// Reads an HTTP/1.1 response out of the bytes received so far, strictly: the status line,
/// headers of at most `maxHeaderBytes`, and a body framed by a valid Content-Length, by
/// valid chunk sizes, or by the connection's close, never longer than `maxBodyBytes`.
/// Everything here is reachable from the network, so nothing may trap: a bad frame is an
/// error, a frame cut short by a close is a transport error (worth retrying).
public enum HTTPResponseFraming {
    public struct Response: Equatable, Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
    }

    public static let maxHeaderBytes = 64 * 1024

    /// The response when `data` holds a whole one; nil when more bytes are needed (and
    /// `closed` is false). Throws on a malformed or oversized frame, or one cut short.
    public static func parse(_ data: [UInt8], closed: Bool, maxBodyBytes: Int) throws -> Response? {
        guard let headerEnd = find(data, [13, 10, 13, 10], limit: maxHeaderBytes + 4) else {
            if data.count > maxHeaderBytes {
                throw LLMError.malformed("response headers longer than \(maxHeaderBytes) bytes")
            }
            if closed {
                throw LLMError.transport(
                    data.isEmpty
                        ? "connection closed before a response" : "connection closed inside the response headers")
            }
            return nil
        }
        let (status, headers) = try head(data[0..<headerEnd])
        let body = data[(headerEnd + 4)...]
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let b = try dechunk(Array(body), closed: closed, maxBodyBytes: maxBodyBytes) else { return nil }
            return Response(status: status, headers: headers, body: b)
        }
        if let text = headers["content-length"] {
            guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }),
                let length = Int(text)
            else {
                throw LLMError.malformed("invalid Content-Length '\(text.prefix(40))'")
            }
            guard length <= maxBodyBytes else {
                throw LLMError.malformed("response of \(length) bytes is over the limit of \(maxBodyBytes)")
            }
            if body.count >= length {
                return Response(status: status, headers: headers, body: Array(body.prefix(length)))
            }
            if closed { throw LLMError.transport("connection closed mid-body (\(body.count) of \(length) bytes)") }
            return nil
        }
        guard body.count <= maxBodyBytes else {
            throw LLMError.malformed("response body over the limit of \(maxBodyBytes) bytes")
        }
        return closed ? Response(status: status, headers: headers, body: Array(body)) : nil
    }

    static func head(_ bytes: ArraySlice<UInt8>) throws -> (Int, [String: String]) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].count == 3, let status = Int(parts[1]),
            (100...599).contains(status)
        else {
            throw LLMError.malformed("bad status line '\(String(lines.first ?? "").prefix(60))'")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            guard kv.count == 2 else { continue }
            let name = kv[0].lowercased()
            let value = kv[1].trimmingCharacters(in: .whitespaces)
            if name == "content-length", let old = headers[name], old != value {
                throw LLMError.malformed("conflicting Content-Length headers")
            }
            headers[name] = value
        }
        return (status, headers)
    }

    /// The chunks' payload; nil while the last chunk has not arrived.
    static func dechunk(_ b: [UInt8], closed: Bool, maxBodyBytes: Int) throws -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        func incomplete() throws -> [UInt8]? {
            if closed { throw LLMError.transport("connection closed mid-body (chunked, \(out.count) bytes received)") }
            return nil
        }
        while true {
            guard let e = find(b, [13, 10], from: i, limit: 1024) else {
                if b.count - i > 1024 { throw LLMError.malformed("chunk size line longer than 1024 bytes") }
                return try incomplete()
            }
            let line = String(decoding: b[i..<e], as: UTF8.self)
            let sizeText = (line.split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(
                in: .whitespaces)
            guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw LLMError.malformed("invalid chunk size '\(sizeText.prefix(20))'")
            }
            guard out.count + size <= maxBodyBytes else {
                throw LLMError.malformed("chunked response over the limit of \(maxBodyBytes) bytes")
            }
            i = e + 2
            if size == 0 { return out }
            guard b.count - i >= size + 2 else { return try incomplete() }
            out += b[i..<(i + size)]
            i += size + 2
        }
    }

    /// The first index of `needle` at or after `from`, searching at most `limit` bytes.
    static func find(_ hay: [UInt8], _ needle: [UInt8], from: Int = 0, limit: Int = .max) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        let last = min(hay.count - needle.count, from > Int.max - limit ? Int.max : from + limit)
        guard from <= last else { return nil }
        var i = from
        while i <= last {
            if hay[i] == needle[0] {
                var match = true
                for k in 1..<needle.count where hay[i + k] != needle[k] {
                    match = false
                    break
                }
                if match { return i }
            }
            i += 1
        }
        return nil
    }
}
