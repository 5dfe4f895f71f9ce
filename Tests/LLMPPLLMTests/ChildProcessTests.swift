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
        XCTAssertFalse(Self.isRunning(pid), "the shell's child outlived it")
    }

    /// When llmpp dies (even by SIGKILL) its llama-server must go too, also one that is busy
    /// and does not stop on SIGTERM: before the watchdog escalated, one such server went on
    /// for 50 CPU-seconds after its llmpp was killed.
    func testWatchdogKillsAServerThatIgnoresSIGTERMOnceItsParentIsGone() throws {
        let marker = NSTemporaryDirectory() + "llmpp-server-\(UUID().uuidString)"
        let parent = try ChildProcess.spawn(
            "/bin/sh", ["-c", "sleep 300"], environment: ProcessInfo.processInfo.environment, outputPath: nil)
        let watched = try LocalLlamaServer.spawnWatched(
            "/bin/sh", ["-c", "trap '' TERM; echo $$ > \(marker); while :; do sleep 0.1; done"], outputPath: nil,
            parent: parent.pid, graceSeconds: 1)
        defer { watched.stop(grace: 0.3) }
        var server: Int32? = nil
        for _ in 0..<200 where server == nil {
            server = (try? String(contentsOfFile: marker, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            usleep(20_000)
        }
        let pid = try XCTUnwrap(server)
        kill(parent.pid, SIGKILL)
        while parent.isRunning { usleep(10_000) }  // reaped, so its pid is gone as a dead llmpp's is
        var alive = true
        for _ in 0..<100 where alive {
            usleep(100_000)
            alive = Self.isRunning(pid)
        }
        XCTAssertFalse(alive, "the server outlived its parent by 10 s")
        XCTAssertFalse(watched.isRunning, "the watchdog outlived its server")
    }

    /// Gone, or a zombie waiting for its parent to reap it: not running either way.
    static func isRunning(_ pid: Int32) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.lastIndex(of: ")").map { stat[stat.index($0, offsetBy: 2)] }
        return !stat.isEmpty && state != "Z"
    }
}
