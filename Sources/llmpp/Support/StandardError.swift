import Foundation

/// What the person watching reads: progress, notes and errors go to stderr, so that stdout
/// carries only the result (the table or JSON a script reads).
enum StandardError {
    /// `s` and a newline.
    static func line(_ s: String) { write(s + "\n") }

    /// `s` as it is (a redrawn progress bar ends without a newline).
    static func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
