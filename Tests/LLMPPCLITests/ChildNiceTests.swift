import Foundation
import XCTest

/// Children take the niceness `llmpp` was started with: they were spawned from dispatch
/// threads with their own (0, or -4 for root), so `nice -n 10 llmpp` left the local server at
/// full priority on a shared machine.
final class ChildNiceTests: XCTestCase {
    func testAnEvaluatorRunsAtTheNicenessLlmppWasGiven() throws {
        let dir = NSTemporaryDirectory() + "llmpp-nice-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = dir + "/evaluator.sh"
        // Its own niceness and its parent's (llmpp's main thread), field 19 of each stat line.
        try """
        #!/bin/sh
        echo "$(cut -d' ' -f19 /proc/$PPID/stat) $(cut -d' ' -f19 /proc/$$/stat)" > \(dir)/nice.txt
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        p.arguments = [
            "-n", "7", CLI.binary, "search", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0",
            "--iterations", "1", "--evaluator", "external", "--evaluator-cmd", "exec \(script)", "--spaces",
            CLI.spaces, "--data-dir", dir + "/data",
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let seen = try String(contentsOfFile: dir + "/nice.txt", encoding: .utf8).split(separator: " ").map {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertEqual(seen.count, 2)
        XCTAssertEqual(seen[1], seen[0], "the evaluator's niceness is llmpp's")
        XCTAssertGreaterThanOrEqual(seen[0] ?? 0, 7)
    }
}
