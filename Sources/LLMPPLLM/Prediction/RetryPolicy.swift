import Foundation

/// When to try a failed request again: 429 waits what Retry-After says; 5xx, resets and
/// timeouts back off exponentially with jitter; anything else fails at once.
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Longest Retry-After honoured; a server asking for more fails the call (it is recorded).
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 6, baseDelay: Double = 1, maxDelay: Double = 60, maxRetryAfter: Double = 600) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait before attempt `attempt + 1` (attempts count from 1), or nil to give up.
    /// `jitter` in [0, 1) spreads clients apart (half the delay is fixed, half random).
    public func delay(after attempt: Int, error: LLMError, jitter: Double) -> Double? {
        guard attempt < maxAttempts, error.isRetryable else { return nil }
        // A Retry-After of 0 or less is no wait at all: six attempts in 45 ms. It backs off instead.
        if case .http(429, _, let retryAfter?) = error, retryAfter > 0 {
            return retryAfter <= maxRetryAfter ? retryAfter : nil
        }
        let exp = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return exp * (0.5 + 0.5 * jitter)
    }
}

/// At most `limit` holders at once; the rest wait in order.
public actor ConcurrencyLimiter {
    private let limit: Int
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) { self.limit = max(1, limit) }

    public func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    public func release() {
        if waiters.isEmpty { inUse -= 1 } else { waiters.removeFirst().resume() }
    }
}

/// Caps on calls, tokens and dollars; a run that reaches one stops cleanly.
public actor Budget {
    public struct Limits: Sendable, Equatable {
        public var maxCalls: Int?
        public var maxTokens: Int?
        public var maxCostUSD: Double?
        public init(maxCalls: Int? = nil, maxTokens: Int? = nil, maxCostUSD: Double? = nil) {
            self.maxCalls = maxCalls
            self.maxTokens = maxTokens
            self.maxCostUSD = maxCostUSD
        }
    }
    public let limits: Limits
    public private(set) var calls = 0
    public private(set) var tokens = 0
    public private(set) var costUSD = 0.0

    public init(_ limits: Limits = .init()) { self.limits = limits }

    /// Calls claimed and not yet settled.
    private var inFlight = 0
    private var settled = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Claims one call, or throws when a limit is reached. Under a token or dollar cap a call
    /// also waits while the calls in flight, at the mean cost of those settled (one at a time
    /// before any has), could reach the cap: a batch used to claim all its calls before the
    /// first answer came back, and 20 calls spent ten times a 30-token cap.
    public func reserveCall() async throws {
        while true {
            try checkLimits()
            guard inFlight > 0, !roomForOneMore() else { break }
            await withCheckedContinuation { waiters.append($0) }
        }
        calls += 1
        inFlight += 1
    }

    private func checkLimits() throws {
        if let m = limits.maxCalls, calls >= m { throw LLMError.budgetExhausted("\(calls) of \(m) calls used") }
        if let m = limits.maxTokens, tokens >= m { throw LLMError.budgetExhausted("\(tokens) of \(m) tokens used") }
        if let m = limits.maxCostUSD, costUSD >= m {
            throw LLMError.budgetExhausted(String(format: "$%.4f of $%.4f spent", costUSD, m))
        }
    }

    /// Whether one more call may start beside those in flight without risking a cap.
    private func roomForOneMore() -> Bool {
        guard limits.maxTokens != nil || limits.maxCostUSD != nil else { return true }
        guard settled > 0 else { return false }
        let ahead = Double(inFlight + 1) / Double(settled)
        if let m = limits.maxTokens, Double(tokens) + Double(tokens) * ahead >= Double(m) { return false }
        if let m = limits.maxCostUSD, costUSD + costUSD * ahead >= m { return false }
        return true
    }

    /// Settles a claimed call (answered or failed) with what it cost.
    public func record(tokens t: Int, cost: Double?) {
        tokens += max(0, t)
        costUSD += max(0, cost.flatMap { $0.isFinite ? $0 : nil } ?? 0)
        inFlight = max(0, inFlight - 1)
        settled += 1
        let woken = waiters
        waiters = []
        for w in woken { w.resume() }
    }
}
