import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A host's addresses from getaddrinfo, freed with the last reference (which may be the
/// resolving thread's, when the request gave up waiting before the answer came).
final class ResolvedAddresses: @unchecked Sendable {
    /// The head of getaddrinfo's list; never mutated, so sharing it between threads is safe.
    let first: UnsafeMutablePointer<addrinfo>

    init(_ first: UnsafeMutablePointer<addrinfo>) { self.first = first }

    deinit { freeaddrinfo(first) }
}

/// Name resolution bounded by the request's deadline. getaddrinfo has no timeout of its own:
/// with an unreachable DNS server it waits out the resolver's (5 s per server and attempt,
/// several attempts), so a plain-HTTP request to a host name could run far past
/// `--llm-timeout`. It runs on a thread of its own and the request waits for it only until
/// the deadline.
enum HostResolver {
    /// Looks `host` up for `port`: the addresses, or why not. Blocking; tests pass a slow one.
    typealias Lookup = @Sendable (_ host: String, _ port: Int) -> Result<ResolvedAddresses, LLMError>

    static func resolve(
        _ host: String, port: Int, until deadline: Date, timeout: Double, lookup: @escaping Lookup = system
    ) throws -> ResolvedAddresses {
        // A numeric address (the local server's 127.0.0.1) asks no DNS server: no thread.
        if isNumeric(host) { return try lookup(host, port).get() }
        let answer = Answer()
        // A thread, not a dispatch queue: a lookup stuck in the kernel must not hold one of
        // the pool's threads that other work waits for.
        Thread { answer.deliver(lookup(host, port)) }.start()
        guard answer.arrived.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success else {
            throw LLMError.timeout(timeout)
        }
        return try answer.taken().get()
    }

    static func isNumeric(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// getaddrinfo for TCP over IPv4 or IPv6.
    static let system: Lookup = { host, port in
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else {
            return .failure(.transport("cannot resolve \(host)"))
        }
        return .success(ResolvedAddresses(first))
    }

    /// The lookup's result, handed from its thread to the waiting request.
    private final class Answer: @unchecked Sendable {
        let arrived = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var result: Result<ResolvedAddresses, LLMError>?

        func deliver(_ result: Result<ResolvedAddresses, LLMError>) {
            lock.withLock { self.result = result }
            arrived.signal()
        }

        /// Only called after `arrived` was signalled, so the result is there.
        func taken() -> Result<ResolvedAddresses, LLMError> {
            lock.withLock { result ?? .failure(.transport("name resolution returned nothing")) }
        }
    }
}
