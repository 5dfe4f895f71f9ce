import Foundation

/// What the engine is waiting on right now (an LLM batch, an expensive evaluation), so that a
/// slow call is visible ("waiting for the LLM: 40 s of 600 s") instead of a silent `0/5`.
public struct Waiting: Sendable, Equatable {
    public var what: String
    public var since: Date
    /// The per-request limit, when there is one.
    public var timeout: Double?
    /// Whether a timed-out attempt is tried again (LLM requests): the wait may outlast the timeout.
    public var retried: Bool
    /// Why the wait outlasts the timeout, when a retry's back-off is under way.
    public var retryNote: String? = nil

    public init(what: String, since: Date = Date(), timeout: Double? = nil, retried: Bool = false) {
        self.what = what
        self.since = since
        self.timeout = timeout
        self.retried = retried
    }

    public func seconds(now: Date = Date()) -> Double { max(0, now.timeIntervalSince(since)) }

    /// "waiting for the LLM (4 labels): 40 s (timeout 600 s per attempt)".
    public func line(now: Date = Date()) -> String { line(seconds: seconds(now: now)) }

    /// The line said at a mark (`dueMark`): the mark's seconds, not those elapsed by the time a
    /// busy machine prints it, so that the lines read 10 s, 20 s, ... 1 min apart.
    public func line(atMark mark: Int) -> String { line(seconds: Double(mark)) }

    private func line(seconds: Double) -> String {
        let limit = timeout.map { String(format: " (timeout %.0f s%@)", $0, retried ? " per attempt" : "") } ?? ""
        let note = retryNote.map { "; \($0)" } ?? ""
        return String(format: "waiting for %@: %.0f s", what, seconds) + limit + note
    }
}

extension Engine {
    /// Runs `body`, published meanwhile as what the engine waits for (pushed to snapshot watchers).
    func waiting<T>(for what: String, timeout: Double?, retried: Bool = false, _ body: () async throws -> T)
        async rethrows -> T
    {
        waitingOn = Waiting(what: what, timeout: timeout, retried: retried)
        publish()
        defer {
            waitingOn = nil
            publish()
        }
        return try await body()
    }

    /// The LLM's per-request limit as the provider applies it.
    var llmTimeout: Double? { provider?.requestTimeout }

    /// The external evaluator's limit per batch; the built-in ones answer at once.
    var evaluatorTimeout: Double? { config.evaluator.kind == "external" ? config.evaluator.timeout : nil }
}

extension Waiting {
    /// When a waiting line is due: at 10, 20, ... 60 s, then every minute. Returns the mark
    /// to remember when one is due after `lastMark` (0 before the first).
    public static func dueMark(seconds: Double, lastMark: Int) -> Int? {
        let s = Int(seconds)
        guard s >= 10 else { return nil }
        let mark = s < 60 ? s / 10 * 10 : s / 60 * 60
        return mark > lastMark ? mark : nil
    }
}
