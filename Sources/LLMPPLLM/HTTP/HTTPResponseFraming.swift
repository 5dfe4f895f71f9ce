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
        var reader = HTTPResponseReader(maxBodyBytes: maxBodyBytes)
        reader.data = data
        return try reader.response(closed: closed)
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
