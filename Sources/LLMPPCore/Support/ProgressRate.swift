import Foundation

/// Rate, elapsed time and ETA of countable work (labels, predictions, generations), for the
/// progress lines and the explorer's header: "12/100 · 3.1/min · 3m52s · ETA 28m".
public struct ProgressRate: Sendable, Equatable {
    public var done: Int
    public var total: Int
    /// Work that `elapsed` did not time: done before it started counting (a resumed run's
    /// earlier labels) or done in no time (answers from the cache). Not in the rate.
    public var doneBefore: Int
    public var elapsed: Double

    public init(done: Int, total: Int, doneBefore: Int = 0, elapsed: Double) {
        self.done = done
        self.total = total
        self.doneBefore = min(doneBefore, done)
        self.elapsed = max(0, elapsed)
    }

    /// Units per second over this stretch; nil before the first unit.
    public var perSecond: Double? {
        let n = done - doneBefore
        return n > 0 && elapsed > 0 ? Double(n) / elapsed : nil
    }

    public var etaSeconds: Double? {
        guard let r = perSecond, total > done else { return total > 0 && done >= total ? 0 : nil }
        return Double(total - done) / r
    }

    /// "3.1/min" (or "/s" when fast, "/h" when slow).
    public var rateText: String? {
        guard let r = perSecond else { return nil }
        if r >= 1 { return String(format: "%.1f/s", r) }
        if r * 60 >= 1 { return String(format: "%.1f/min", r * 60) }
        return String(format: "%.1f/h", r * 3600)
    }

    /// "12/100 · 3.1/min · 3m52s · ETA 28m"; parts without a value are left out.
    public var text: String {
        var parts = ["\(done)/\(total)"]
        if let r = rateText { parts.append(r) }
        parts.append(Self.duration(elapsed))
        if let e = etaSeconds, done < total { parts.append("ETA " + Self.duration(e)) }
        return parts.joined(separator: " · ")
    }

    /// "12/100 3.1/min ETA 28m": for a narrow header.
    public var compactText: String {
        var parts = ["\(done)/\(total)"]
        if let r = rateText { parts.append(r) }
        if let e = etaSeconds, done < total { parts.append("ETA " + Self.duration(e)) }
        return parts.joined(separator: " ")
    }

    /// "45s", "3m52s", "2h05m".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }
}
