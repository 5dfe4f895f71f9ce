/// One HTTP/1.1 response read as its bytes arrive, framed by `HTTPResponseFraming`'s rules,
/// each byte examined about once: the headers' end is looked for only in new bytes, and the
/// chunks already decoded are kept. Parsing the whole buffer after every read kept a core
/// busy for the whole timeout when a server dripped one-byte chunks every millisecond.
public struct HTTPResponseReader {
    public let maxBodyBytes: Int
    /// The bytes received so far (the socket appends to them).
    public internal(set) var data: [UInt8] = []
    private typealias Head = (status: Int, headers: [String: String], bodyStart: Int, chunked: Bool)
    private var head: Head? = nil
    /// Where the headers' end is still to be looked for.
    private var headerSearchFrom = 0
    /// The chunked body decoded so far, and the index in `data` of the next chunk's size line.
    private var chunked: [UInt8] = []
    private var nextChunk = 0

    public init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    /// The chunked body's bytes decoded so far (kept, never decoded again).
    public var chunkedBytesDecoded: Int { chunked.count }

    /// The response once `data` holds a whole one; nil while more bytes are needed (and
    /// `closed` is false). Throws on a malformed or oversized frame, or one cut short.
    public mutating func response(closed: Bool) throws -> HTTPResponseFraming.Response? {
        guard let head = try readHead(closed: closed) else { return nil }
        if head.chunked {
            guard let body = try readChunks(closed: closed) else { return nil }
            return .init(status: head.status, headers: head.headers, body: body)
        }
        let body = data[head.bodyStart...]
        if let text = head.headers["content-length"] {
            guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }),
                let length = Int(text)
            else {
                throw LLMError.malformed("invalid Content-Length '\(text.prefix(40))'")
            }
            guard length <= maxBodyBytes else {
                throw LLMError.malformed("response of \(length) bytes is over the limit of \(maxBodyBytes)")
            }
            if body.count >= length {
                return .init(status: head.status, headers: head.headers, body: Array(body.prefix(length)))
            }
            if closed { throw LLMError.transport("connection closed mid-body (\(body.count) of \(length) bytes)") }
            return nil
        }
        guard body.count <= maxBodyBytes else {
            throw LLMError.malformed("response body over the limit of \(maxBodyBytes) bytes")
        }
        return closed ? .init(status: head.status, headers: head.headers, body: Array(body)) : nil
    }

    /// The status and headers, once their end has arrived.
    private mutating func readHead(closed: Bool) throws -> Head? {
        if let head { return head }
        let limit = HTTPResponseFraming.maxHeaderBytes + 4
        let from = max(0, headerSearchFrom - 3)
        guard
            let end = HTTPResponseFraming.find(
                data, [13, 10, 13, 10], from: from, limit: max(0, limit - from))
        else {
            if data.count > HTTPResponseFraming.maxHeaderBytes {
                throw LLMError.malformed("response headers longer than \(HTTPResponseFraming.maxHeaderBytes) bytes")
            }
            if closed {
                throw LLMError.transport(
                    data.isEmpty
                        ? "connection closed before a response" : "connection closed inside the response headers")
            }
            headerSearchFrom = data.count
            return nil
        }
        let (status, headers) = try HTTPResponseFraming.head(data[0..<end])
        let chunked = headers["transfer-encoding"]?.lowercased().contains("chunked") == true
        head = (status, headers, end + 4, chunked)
        nextChunk = end + 4
        return head
    }

    /// The chunks' payload; nil while the last chunk has not arrived. Chunks already read are
    /// not read again.
    private mutating func readChunks(closed: Bool) throws -> [UInt8]? {
        func incomplete() throws -> [UInt8]? {
            if closed {
                throw LLMError.transport("connection closed mid-body (chunked, \(chunked.count) bytes received)")
            }
            return nil
        }
        while true {
            let i = nextChunk
            guard let e = HTTPResponseFraming.find(data, [13, 10], from: i, limit: 1024) else {
                if data.count - i > 1024 { throw LLMError.malformed("chunk size line longer than 1024 bytes") }
                return try incomplete()
            }
            let line = String(decoding: data[i..<e], as: UTF8.self)
            let sizeText = (line.split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(
                in: .whitespaces)
            guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw LLMError.malformed("invalid chunk size '\(sizeText.prefix(20))'")
            }
            guard chunked.count + size <= maxBodyBytes else {
                throw LLMError.malformed("chunked response over the limit of \(maxBodyBytes) bytes")
            }
            if size == 0 { return chunked }
            let start = e + 2
            guard data.count - start >= size + 2 else { return try incomplete() }
            chunked += data[start..<(start + size)]
            nextChunk = start + size + 2
        }
    }
}
