import Foundation

extension StringProtocol {
    /// Text from outside (a server, an evaluator) made safe to print or draw: control
    /// characters (ESC, BEL, CR ...) become visible escapes, so no byte of theirs can move the
    /// cursor, clear the screen or retitle the terminal. Line breaks and tabs stay.
    public var escapingControlCharacters: String { escaped(keepingLineBreaks: true) }

    /// The same with line breaks and tabs escaped too (`\n`, `\t`): for one cell of a table,
    /// where a server's error body with newlines printed rows and a whole results table of its
    /// own between the real ones.
    public var escapedToOneLine: String { escaped(keepingLineBreaks: false) }

    private func escaped(keepingLineBreaks: Bool) -> String {
        var out = ""
        for u in unicodeScalars {
            switch u {
            case "\n" where !keepingLineBreaks: out += "\\n"
            case "\t" where !keepingLineBreaks: out += "\\t"
            case "\n", "\t": out.unicodeScalars.append(u)
            case _ where u.isTerminalUnsafe: out += "\\u{\(String(u.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// The text without terminal control sequences and their parameters (CSI `ESC [ 2 J`, OSC
    /// `ESC ] 52 ; c ; ... BEL`, their one-byte C1 forms, other `ESC x` pairs) and without other
    /// unsafe characters: what a reader of the text would see. A parser reading numbers must
    /// not find the 52 of an OSC 52 as an answer.
    public var removingTerminalSequences: String {
        var out = String.UnicodeScalarView()
        var it = String(self).unicodeScalars.makeIterator()
        while let u = it.next() {
            switch u.value {
            case 0x1B:  // ESC: what follows says which sequence
                guard let kind = it.next() else { break }
                if kind == "[" {
                    TerminalSequence.skipCSI(&it)
                } else if kind == "]" || kind == "P" || kind == "_" || kind == "^" {
                    TerminalSequence.skipString(&it)
                }
            case 0x9B: TerminalSequence.skipCSI(&it)
            case 0x9D, 0x90, 0x9E, 0x9F: TerminalSequence.skipString(&it)
            default:
                if u == "\n" || u == "\t" || !u.isTerminalUnsafe { out.append(u) }
            }
        }
        return String(out)
    }
}

/// Skipping a terminal sequence's body, once its introducer has been read.
private enum TerminalSequence {
    /// Parameters and intermediates up to the final byte (0x40-0x7E).
    static func skipCSI(_ it: inout String.UnicodeScalarView.Iterator) {
        while let c = it.next(), !(0x40...0x7E).contains(c.value) {}
    }

    /// An OSC/DCS string up to BEL, ST (0x9C) or ESC \\.
    static func skipString(_ it: inout String.UnicodeScalarView.Iterator) {
        while let c = it.next() {
            if c.value == 0x07 || c.value == 0x9C { return }
            if c.value == 0x1B {
                _ = it.next()
                return
            }
        }
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
