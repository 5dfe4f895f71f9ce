import XCTest

@testable import LLMPPCore

/// Text from outside, made safe: escaped for a line of output, for one table cell, or read
/// without its terminal sequences.
final class ControlCharactersTests: XCTestCase {
    func testEscapesKeepOrEscapeLineBreaks() {
        let text = "a\u{1b}]0;title\u{7}\nb\tc\u{202e}"
        XCTAssertEqual(text.escapingControlCharacters, "a\\u{1b}]0;title\\u{7}\nb\tc\\u{202e}")
        XCTAssertEqual(text.escapedToOneLine, "a\\u{1b}]0;title\\u{7}\\nb\\tc\\u{202e}")
    }

    func testTerminalSequencesAreRemovedWithTheirParameters() {
        XCTAssertEqual("x\u{1b}[38;5;196my\u{1b}[0m".removingTerminalSequences, "xy")
        XCTAssertEqual("\u{1b}]52;c;SGVsbG8=\u{7}z".removingTerminalSequences, "z")
        XCTAssertEqual("\u{1b}]0;t\u{1b}\\z".removingTerminalSequences, "z")
        XCTAssertEqual("\u{9b}2Jz\u{9d}8;;u\u{9c}w".removingTerminalSequences, "zw")
        XCTAssertEqual("a\nb\u{7}".removingTerminalSequences, "a\nb")
        // Cut off mid-sequence: nothing of it is kept.
        XCTAssertEqual("ok\u{1b}[12".removingTerminalSequences, "ok")
    }
}
