/// What follows an ESC that ncurses handed over undecoded. A terminal whose mouse encoding
/// ncurses does not expect (SGR 1006 `ESC [ < b ; x ; y M`, or X10 `ESC [ M b x y`) used to
/// arrive as separate keys: its `[` and `<` tightened the constraint and moved the switch
/// point. Such sequences are decoded where they mean a click or the wheel, and swallowed
/// otherwise; never read as keys.
enum EscapeSequence {
    enum Decoded: Equatable {
        /// A key (Escape itself, an arrow the terminal sent raw, a mouse event).
        case key(Key)
        /// A whole control sequence that means nothing here.
        case ignored
        /// Esc followed by ordinary input (typed quickly, or Alt+key): Escape, then `rest` as
        /// keys of their own.
        case escapeThen([UInt32])
    }

    /// Whether `bytes` (after the ESC) are a complete sequence, so reading can stop.
    static func isComplete(_ bytes: [UInt32]) -> Bool {
        guard let first = bytes.first else { return false }
        guard first == 0x5B || first == 0x4F else { return true }  // not CSI or SS3: ESC + a key
        if first == 0x4F { return bytes.count >= 2 }
        if bytes.count >= 2 && bytes[1] == 0x4D { return bytes.count >= 5 }  // X10 mouse: ESC [ M b x y
        guard bytes.count >= 2, let last = bytes.last else { return false }
        return (0x40...0x7E).contains(last) && !(bytes.count == 2 && last == 0x3C)  // a final byte (not the '<' of SGR)
    }

    static func decode(_ bytes: [UInt32]) -> Decoded {
        guard let first = bytes.first else { return .key(.escape) }
        guard first == 0x5B || first == 0x4F else { return .escapeThen(bytes) }
        let body = String(String.UnicodeScalarView(bytes.dropFirst().compactMap(Unicode.Scalar.init)))
        if first == 0x4F || !body.hasPrefix("<") && body.count <= 3 && !body.hasPrefix("M") {
            switch body {
            case "A": return .key(.up)
            case "B": return .key(.down)
            case "C": return .key(.right)
            case "D": return .key(.left)
            case "H", "1~": return .key(.home)
            case "F", "4~": return .key(.end)
            case "5~": return .key(.pageUp)
            case "6~": return .key(.pageDown)
            case "Z": return .key(.backTab)
            default: return .ignored
            }
        }
        if body.hasPrefix("<") { return sgrMouse(body.dropFirst()) }
        if body.hasPrefix("M"), bytes.count >= 5 {
            // X10: button, x and y each offset by 32, 1-based.
            return mouse(button: Int(bytes[2]) - 32, x: Int(bytes[3]) - 33, y: Int(bytes[4]) - 33, press: true)
        }
        return .ignored
    }

    /// `b;x;yM` (press) or `b;x;ym` (release), 1-based coordinates.
    static func sgrMouse(_ body: Substring) -> Decoded {
        guard let final = body.last, final == "M" || final == "m" else { return .ignored }
        let parts = body.dropLast().split(separator: ";").map { Int($0) }
        guard parts.count == 3, let b = parts[0], let x = parts[1], let y = parts[2] else { return .ignored }
        return mouse(button: b, x: x - 1, y: y - 1, press: final == "M")
    }

    static func mouse(button b: Int, x: Int, y: Int, press: Bool) -> Decoded {
        guard x >= 0, y >= 0, press else { return .ignored }
        if b & 64 != 0 { return .key(b & 1 == 0 ? .wheelUp(x: x, y: y) : .wheelDown(x: x, y: y)) }
        if b & 32 != 0 { return .ignored }  // motion
        return b & 3 == 0 ? .key(.click(x: x, y: y)) : .ignored
    }
}
