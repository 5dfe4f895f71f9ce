import Foundation
import XCTest

@testable import LLMPPLLM

final class ChildProcessTests: XCTestCase {
    /// A watchdog shell that does not stop on SIGTERM in time is killed; its child must not
    /// survive it (llama-servers were left orphaned, 1.4 GB each, when a start timed out).
    func testStopKillsTheChildrenOfAStubbornShell() throws {
        let marker = NSTemporaryDirectory() + "llmpp-child-\(UUID().uuidString)"
        let p = try ChildProcess.spawn(
            "/bin/sh", ["-c", "trap '' TERM; sleep 300 & echo $! > \(marker); wait"],
            environment: ProcessInfo.processInfo.environment, outputPath: nil)
        var child: Int32? = nil
        for _ in 0..<200 where child == nil {
            child = (try? String(contentsOfFile: marker, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            usleep(20_000)
        }
        let pid = try XCTUnwrap(child)
        XCTAssertEqual(ChildProcess.children(of: p.pid), [pid])
        p.stop(grace: 0.3)
        usleep(200_000)
        // Gone, or a zombie waiting for init to reap it: not running either way.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.lastIndex(of: ")").map { stat[stat.index($0, offsetBy: 2)] }
        XCTAssertTrue(stat.isEmpty || state == "Z", "the shell's child outlived it: \(stat)")
    }
}
