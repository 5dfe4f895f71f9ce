import Foundation

/// A number read by JSONSerialization, told apart from `true`/`false`: on Linux every
/// NSNumber answers `is Bool` for 0 and 1 (so `!(v is Bool)` rejected a score of 1.0), while
/// booleans alone have the boolean class.
public enum JSONNumber {
    static let booleanType = type(of: NSNumber(value: true))

    public static func double(_ v: Any?) -> Double? {
        guard let n = v as? NSNumber, type(of: n) != booleanType else { return nil }
        return n.doubleValue
    }

    /// The most tokens one request may report: far above any model's context, far below
    /// where sums of them overflow.
    public static let maxTokenCount = 100_000_000

    /// A token count as a server reports it: a whole number in 0...maxTokenCount, else nil
    /// (a server that said 2^62, 1e308 or -1e6 crashed the running total, or paid the budget
    /// back).
    public static func tokenCount(_ v: Any?) -> Int? {
        guard let d = double(v), d.isFinite, d >= 0, d <= Double(maxTokenCount) else { return nil }
        return Int(d)
    }
}
