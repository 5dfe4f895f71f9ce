import Foundation

/// Something slow being done and since when, as its doer says it: an LLM provider starting its
/// server or processing a long first prompt. Watchers show it with a spinner (the local model's
/// first answer used to take ~50 s with nothing on screen moving or saying why).
public struct Activity: Sendable, Equatable {
    public var what: String
    public var since: Date

    public init(_ what: String, since: Date = Date()) {
        self.what = what
        self.since = since
    }

    /// "starting llama-server (qwen2.5-coder-1.5b-instruct): 12 s".
    public func line(now: Date = Date()) -> String {
        String(format: "%@: %.0f s", what, max(0, now.timeIntervalSince(since)))
    }

    /// 3100 as "3,100", whatever the locale (a count said in a sentence).
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
