import LLMPPCore

/// Every `print` of this target: what it writes quotes spaces, transcripts and servers (a
/// space title, an LLM's answer in `calls show`, a model name), so control characters are
/// escaped as `\u{1b}` (an answer holding `ESC ] 0 ;` retitled the terminal and `ESC [ 2 J`
/// cleared it); newlines and tabs stay. It shadows `Swift.print` within the module, so no
/// output path can forget it.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    Swift.print(text.escapingControlCharacters, terminator: terminator)
}
