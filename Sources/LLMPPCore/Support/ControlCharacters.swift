import Foundation

extension StringProtocol {
    /// Text from outside (a server, an evaluator) made safe to print or draw: control
    /// characters (ESC, BEL, CR ...) become visible escapes, so no byte of theirs can move the
    /// cursor, clear the screen or retitle the terminal.
    public var escapingControlCharacters: String {
        var out = ""
        for u in unicodeScalars {
            if u == "\n" || u == "\t"
                || !(u.properties.generalCategory == .control
                    || u.properties.generalCategory == .format && u.value < 0x2000)
            {
                out.unicodeScalars.append(u)
            } else {
                out += "\\u{\(String(u.value, radix: 16))}"
            }
        }
        return out
    }
}
