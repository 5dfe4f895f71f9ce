import Foundation
import LLMPPCore

/// What the person watching reads: progress, notes and errors go to stderr, so that stdout
/// carries only the result (the table or JSON a script reads).
enum StandardError {
    /// `s` and a newline, control characters escaped: messages quote files, servers and
    /// evaluators, whose escape sequences must not reach the terminal.
    static func line(_ s: String) { write(s.escapingControlCharacters + "\n") }

    /// `s` as it is (a redrawn progress bar ends without a newline, and draws with escapes).
    static func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
