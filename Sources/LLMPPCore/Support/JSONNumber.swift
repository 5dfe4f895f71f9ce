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
}
