import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP connection whose every wait — resolving, connecting, sending, receiving — ends at one
/// deadline. The socket is non-blocking and each wait is a poll() (resolution waits for its
/// own thread: `HostResolver`), so a DNS server that does not answer, a host that drops
/// packets, a server that never reads the request or one that never answers cost the
/// request's timeout, not the kernel's (about two minutes for an unanswered connect).
final class PlainSocket {
    private let fd: Int32
    private let deadline: Date
    private let timeout: Double

    /// Connects to the first of `host`'s addresses that accepts before the deadline.
    init(host: String, port: Int, timeout: Double) throws {
        self.timeout = timeout
        deadline = Date().addingTimeInterval(timeout)
        let addresses = try HostResolver.resolve(host, port: port, until: deadline, timeout: timeout)
        var lastError = ECONNREFUSED
        var ai: UnsafeMutablePointer<addrinfo>? = addresses.first
        while let a = ai {
            switch try Self.connect(a.pointee, deadline: deadline, timeout: timeout) {
            case .connected(let fd):
                self.fd = fd
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return
            case .failed(let code): lastError = code
            }
            ai = a.pointee.ai_next
        }
        throw LLMError.transport("cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    deinit { close(fd) }

    private enum Attempt {
        case connected(Int32)
        case failed(Int32)
    }

    /// One address: a non-blocking connect, then a wait for it to finish (or the deadline).
    private static func connect(_ a: addrinfo, deadline: Date, timeout: Double) throws -> Attempt {
        let fd = socket(a.ai_family, a.ai_socktype | Int32(SOCK_NONBLOCK.rawValue), a.ai_protocol)
        guard fd >= 0 else { return .failed(errno) }
        if Glibc.connect(fd, a.ai_addr, a.ai_addrlen) == 0 { return .connected(fd) }
        guard errno == EINPROGRESS else {
            let code = errno
            close(fd)
            return .failed(code)
        }
        do {
            try wait(fd, for: Int16(POLLOUT), until: deadline, timeout: timeout)
        } catch {
            close(fd)
            throw error
        }
        var code: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &len)
        if code == 0 { return .connected(fd) }
        close(fd)
        return .failed(code)
    }

    /// Waits until `fd` is ready for `events`; a timeout error at the deadline.
    private static func wait(_ fd: Int32, for events: Int16, until deadline: Date, timeout: Double) throws {
        switch DescriptorWait.wait(fd, for: events, until: deadline) {
        case .ready: return
        case .deadlinePassed: throw LLMError.timeout(timeout)
        case .failed(let code): throw LLMError.transport("poll: \(String(cString: strerror(code)))")
        }
    }

    /// Sends all of `data`, waiting while the peer's buffers are full.
    func sendAll(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                try Self.wait(fd, for: Int16(POLLOUT), until: deadline, timeout: timeout)
                let n = send(fd, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
                if n <= 0 { throw LLMError.transport("connection reset while sending") }
                off += n
            }
        }
    }

    /// The next bytes the peer sends, appended to `data`; false once the peer has closed.
    func receive(into data: inout [UInt8]) throws -> Bool {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            try Self.wait(fd, for: Int16(POLLIN), until: deadline, timeout: timeout)
            let n = recv(fd, &buf, buf.count, 0)
            if n < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            if n < 0 { throw LLMError.transport("connection reset: \(String(cString: strerror(errno)))") }
            data.append(contentsOf: buf[0..<n])
            return n > 0
        }
    }
}
