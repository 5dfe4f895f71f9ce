import Foundation
import LLMPPCore

/// What the person watching reads: progress, notes and errors go to stderr, so that stdout
/// carries only the result (the table or JSON a script reads).
enum StandardError {
    /// `s` and a newline, control characters escaped: messages quote files, servers and
    /// evaluators, whose escape sequences must not reach the terminal.
    static func line(_ s: String) { write(bounded(s.escapingControlCharacters) + "\n") }

    /// A message's first and last characters when it is long: errors quote what they refuse,
    /// and a 10 MB CSV field or a million-choice list was echoed whole to the terminal. The
    /// end is kept too, for what to do next ("continue with: ...") is said last.
    static func bounded(_ s: String, limit: Int = 4000) -> String {
        guard s.count > limit else { return s }
        let head = s.prefix(limit * 3 / 4)
        let tail = s.suffix(limit / 4)
        return "\(head) … (\(s.count - head.count - tail.count) characters left out) … \(tail)"
    }

    /// `s` as it is (a redrawn progress bar ends without a newline, and draws with escapes).
    static func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
