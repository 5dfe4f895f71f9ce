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

extension StringProtocol {
    /// Text from outside (a server, an evaluator) made safe to print or draw: control
    /// characters (ESC, BEL, CR ...) become visible escapes, so no byte of theirs can move the
    /// cursor, clear the screen or retitle the terminal.
    public var escapingControlCharacters: String {
        var out = ""
        for u in unicodeScalars {
            if u == "\n" || u == "\t" || !(u.properties.generalCategory == .control || u.properties.generalCategory == .format && u.value < 0x2000) {
                out.unicodeScalars.append(u)
            } else {
                out += "\\u{\(String(u.value, radix: 16))}"
            }
        }
        return out
    }
}
