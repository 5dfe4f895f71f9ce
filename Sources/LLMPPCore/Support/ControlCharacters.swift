import Foundation

extension StringProtocol {
    /// Text from outside (a server, an evaluator) made safe to print or draw: control
    /// characters (ESC, BEL, CR ...) become visible escapes, so no byte of theirs can move the
    /// cursor, clear the screen or retitle the terminal.
    public var escapingControlCharacters: String {
        var out = ""
        for u in unicodeScalars {
            if u == "\n" || u == "\t" || !u.isTerminalUnsafe {
                out.unicodeScalars.append(u)
            } else {
                out += "\\u{\(String(u.value, radix: 16))}"
            }
        }
        return out
    }
}

extension StringProtocol {
    /// Like `escapingControlCharacters`, with line breaks and tabs escaped too (`\n`, `\t`):
    /// for one cell of a table, where a server's error body with newlines printed rows and a
    /// whole results table of its own between the real ones.
    public var escapedToOneLine: String {
        var out = ""
        for u in unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where u.isTerminalUnsafe: out += "\\u{\(String(u.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

extension Unicode.Scalar {
    /// A character that acts on the terminal instead of showing: C0 and C1 controls (ESC,
    /// BEL, CR, the one-byte CSI 0x9B), format characters below U+2000 and the bidirectional
    /// overrides and isolates (U+202A-202E, U+2066-2069), which reorder the text after them.
    public var isTerminalUnsafe: Bool {
        properties.generalCategory == .control
            || properties.generalCategory == .format
                && (value < 0x2000 || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value))
    }
}
