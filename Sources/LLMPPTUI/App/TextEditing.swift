/// The line editing every text input shares (the table filter, the help filter, the inject
/// form): Backspace, Ctrl-U clears the line as in a shell, and printable characters type. A
/// control character is never typed: Ctrl-U used to enter an invisible character that moved
/// the cursor and had to be deleted with Backspace.
enum TextEditing {
    /// Longer than any architecture's line (HAT's is about 600 bytes): a paste of megabytes
    /// was wrapped and drawn again after each of its characters, and the screen froze.
    static let maxBytes = 8192

    /// Applies `key` to `text`; false when it is not an editing key (Enter, Esc, arrows...).
    static func edit(_ text: inout String, _ key: Key) -> Bool {
        switch key {
        case .backspace: if !text.isEmpty { text.removeLast() }
        case .clearLine: text = ""
        case .char(let c) where isTypable(c): if text.utf8.count < maxBytes { text.append(c) }
        case .char: break
        default: return false
        }
        return true
    }

    static func isTypable(_ c: Character) -> Bool {
        !c.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
