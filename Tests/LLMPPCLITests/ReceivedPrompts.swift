import Foundation

/// The prompts a test server received, from its handler threads.
final class ReceivedPrompts: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []
    func record(_ text: String) { lock.withLock { texts.append(text) } }
    var all: [String] { lock.withLock { texts } }

    /// The demonstrations' scores: every "BLEU: x" line before the test architecture.
    static func scores(_ prompt: String) -> [Double] {
        let examples = prompt.components(separatedBy: "Test architecture:")[0]
        return examples.split(separator: "\n").compactMap { line in
            line.hasPrefix("BLEU: ") ? Double(line.dropFirst(6)) : nil
        }
    }
}
