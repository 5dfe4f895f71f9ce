import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A hostile server on 127.0.0.1 for framing tests: for each connection it reads the
/// request's head, then writes the given raw bytes (in pieces, with a pause between them,
/// to trickle) and closes. Whatever the bytes say about themselves.
public final class RawTCPServer: @unchecked Sendable {
    private let fd: Int32
    public private(set) var port = 0
    let pieces: [[UInt8]]
    let pause: Double

    public init(reply: [UInt8], pieces count: Int = 1, pause: Double = 0) throws {
        let size = max(1, (reply.count + count - 1) / max(1, count))
        pieces = stride(from: 0, to: max(reply.count, 1), by: size).map {
            Array(reply[$0..<min(reply.count, $0 + size)])
        }
        self.pause = pause
        (fd, port) = LoopbackSocket.bind()
        listen(fd, 16)
        Thread { [weak self] in self?.loop() }.start()
    }

    public convenience init(_ text: String, pieces: Int = 1, pause: Double = 0) throws {
        try self.init(reply: Array(text.utf8), pieces: pieces, pause: pause)
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)/v1/chat/completions")! }

    private func loop() {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 {
                // stop() only shut the socket down; closing it here, where accept() is no
                // longer called, keeps its descriptor from being reused under this loop.
                lock.withLock {
                    stopped = true
                    close(fd)
                }
                return
            }
            var buf = [UInt8](repeating: 0, count: 65536)
            var got = [UInt8]()
            while !String(decoding: got, as: UTF8.self).contains("\r\n\r\n") {
                let n = recv(c, &buf, buf.count, 0)
                if n <= 0 { break }
                got += buf[0..<n]
            }
            for p in pieces {
                _ = p.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            }
            close(c)
        }
    }

    private let lock = NSLock()
    private var stopped = false

    /// Idempotent. Shuts the socket down; the accept loop closes it (a descriptor closed
    /// here could be reused by the next test's server while the loop, busy trickling a
    /// reply, has yet to call accept() on it again, and would steal its connections).
    public func stop() {
        lock.withLock {
            if !stopped { shutdown(fd, Int32(SHUT_RDWR)) }
            stopped = true
        }
    }
    deinit { stop() }
}
