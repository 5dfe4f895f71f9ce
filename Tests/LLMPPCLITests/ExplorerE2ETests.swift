import Foundation
import LLMPPLLM
import LLMPPTestSupport
import XCTest

/// Drives tmux on a private socket, spawned so that the tmux server inherits none of the
/// test runner's descriptors (Foundation's Process would wait for them to close).
struct TimedOut: Error, CustomStringConvertible { let description: String }

struct Tmux {
    let socket = "llmpp-e2e-\(UUID().uuidString.prefix(8))"

    @discardableResult
    func run(_ args: [String]) throws -> String {
        let out = NSTemporaryDirectory() + "tmux-\(UUID().uuidString).out"
        let tmux =
            ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "/usr/bin/tmux"
        let child = try ChildProcess.spawn(
            tmux, ["-L", socket] + args, environment: ProcessInfo.processInfo.environment, outputPath: out)
        let deadline = Date().addingTimeInterval(20)
        while child.isRunning && Date() < deadline { usleep(10_000) }
        defer { try? FileManager.default.removeItem(atPath: out) }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    func capture() throws -> String { try run(["capture-pane", "-p"]) }

    /// Polls the screen until `predicate` holds (or fails after `timeout`).
    func waitFor(_ what: String, timeout: Double = 30, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if predicate(screen) { return screen }
            usleep(150_000)
        }
        // The screen goes to a file as well: XCTest on Linux can drop long failure messages.
        let dump = NSTemporaryDirectory() + "llmpp-e2e-failure.txt"
        try? "waiting for \(what)\n\(screen)".write(toFile: dump, atomically: true, encoding: .utf8)
        throw TimedOut(description: "timed out waiting for \(what) (screen in \(dump)):\n\(screen)")
    }

    func kill() { _ = try? run(["kill-server"]) }
}

final class ExplorerE2ETests: XCTestCase {

    /// The explorer's anytime schedule: a generation is on screen while the LLM (a slow stand-in,
    /// 0.2 s per answer) is still labelling the search's architectures, and the header counts
    /// the hours. Before this schedule the screen showed 0/N until every label was in.
    func testAGenerationAppearsBeforeLabellingEnds() throws {
        let server = try TestHTTPServer(handler: { req in
            let tail =
                req.lastMessage.range(of: "Test architecture:", options: .backwards).map {
                    String(req.lastMessage[$0.upperBound...])
                } ?? ""
            let v = 70 + Double(tail.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 2000) / 100
            return .init(
                status: 200, body: TestHTTPServer.openAI(String(format: "{\"accuracy\": %.2f}", v)), delay: 0.2)
        })
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "llmpp-e2e-\(UUID().uuidString)"
        let tmux = Tmux()
        defer { tmux.kill() }
        let cmd =
            ([
                CLI.binary, "explore", "--provider", "openai", "--space", "nb201-cifar10", "--warmup-labels", "4",
                "--labels-per-generation", "3",
                "--switch-at", "20", "--iterations", "25", "--population", "10", "--train-steps", "40", "--split-seed",
                "3",
                "--latency-ms", "30", "--hardware", "raspi4", "--spaces", CLI.spaces, "--data-dir", dataDir,
            ]).map { "'\($0)'" }.joined(separator: " ")
        let env =
            "env LANG=C.UTF-8 TERM=tmux-256color OPENAI_BASE_URL=\(server.baseURL.absoluteString) OPENAI_API_KEY=test"
        try tmux.run(["new-session", "-d", "-x", "120", "-y", "40", "\(env) \(cmd); echo EXITED $?; sleep 120"])
        let screen = try tmux.waitFor("a generation while labelling goes on", timeout: 90) { screen in
            guard let r = screen.range(of: #"HS-NAS \S+ (\d+)/25"#, options: .regularExpression) else { return false }
            let gen = Int(screen[r].split(separator: " ").last!.split(separator: "/")[0]) ?? 0
            return gen >= 2 && screen.contains("gen ") && server.requestCount < 4 + 3 * 19
        }
        XCTAssertTrue(screen.contains("scoring: LLM-Distill-PP"), screen)
        XCTAssertTrue(
            screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille points:\n\(screen)")
        try tmux.run(["send-keys", "q"])
        try tmux.run(["send-keys", "y"])
        _ = try tmux.waitFor("exit", timeout: 30) { $0.contains("EXITED") }
    }
    /// Records a transcript through the real OpenAI protocol (an in-test server as the LLM),
    /// then runs the real binary in tmux on a replay of it: pause, move the switch point,
    /// open the inspector, resize, quit, and resume the run afterwards.
    func testExploreWithAReplayInTmux() throws {
        let server = try TestHTTPServer(handler: { req in
            // A stand-in LLM: a number that depends on the test architecture's text.
            let text = req.lastMessage
            let tail =
                text.range(of: "Test architecture:", options: .backwards).map { String(text[$0.upperBound...]) } ?? text
            let v = 70 + Double(tail.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 2000) / 100
            return .init(status: 200, body: TestHTTPServer.openAI(String(format: "{\"accuracy\": %.2f}", v)))
        })
        defer { server.stop() }
        let recordDir = NSTemporaryDirectory() + "llmpp-e2e-rec-\(UUID().uuidString)"
        let runArgs = [
            "--space", "nb201-cifar10", "--labels", "12", "--train-steps", "60", "--population", "10",
            "--switch-at", "3", "--split-seed", "3", "--latency-ms", "30", "--hardware", "raspi4",
        ]
        setenv("OPENAI_BASE_URL", server.baseURL.absoluteString, 1)
        setenv("OPENAI_API_KEY", "test-key", 1)
        let recorded = try CLI.run(
            ["search", "--provider", "openai", "--iterations", "4", "--json"] + runArgs, dataDir: recordDir)
        unsetenv("OPENAI_BASE_URL")
        unsetenv("OPENAI_API_KEY")
        XCTAssertEqual(recorded.status, 0, recorded.stderr)
        let run = (try CLI.json(recorded.stdout) as! [String: Any])["run"] as! String
        let export = try CLI.run(["calls", "export", "--run", run], dataDir: recordDir)
        let transcript = recordDir + "/transcript.jsonl"
        try export.stdout.write(toFile: transcript, atomically: true, encoding: .utf8)
        XCTAssertEqual(export.stdout.split(separator: "\n").count, 12)

        let dataDir = NSTemporaryDirectory() + "llmpp-e2e-\(UUID().uuidString)"
        let tmux = Tmux()
        defer { tmux.kill() }
        // The transcript is of a paper-schedule run: the explorer replays that schedule.
        let cmd =
            ([
                CLI.binary, "explore", "--paused", "--schedule", "paper", "--provider", "replay", "--replay",
                transcript, "--iterations", "30",
                "--spaces", CLI.spaces, "--data-dir", dataDir,
            ] + runArgs).map { "'\($0)'" }.joined(separator: " ")
        try tmux.run([
            "new-session", "-d", "-x", "120", "-y", "40",
            "env LANG=C.UTF-8 TERM=tmux-256color \(cmd); echo EXITED $?; sleep 120",
        ])
        var screen = try tmux.waitFor("the explorer, paused") {
            $0.contains("replay of gpt-4o-mini") && $0.contains("PAUSED")
        }
        // One unit per n: two labelling batches, the training, then generations 0 and 1.
        for _ in 0..<5 {
            try tmux.run(["send-keys", "n"])
            usleep(200_000)
        }
        screen = try tmux.waitFor("generation 1 drawn", timeout: 60) { $0.contains("gen 1 ·") }
        XCTAssertTrue(screen.contains("Pareto"))
        XCTAssertTrue(
            screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille points:\n\(screen)")
        XCTAssertTrue(screen.contains("switch 3"), screen)
        try tmux.run(["send-keys", ">"])
        screen = try tmux.waitFor("switch moved") {
            $0.contains("switch 4") && $0.contains("switch point -> generation 4")
        }
        try tmux.run(["send-keys", "3"])
        try tmux.run(["send-keys", "4"])
        screen = try tmux.waitFor("the prompt of a call") {
            $0.contains("── system ──") && $0.contains("You are a performance estimator")
        }
        try tmux.run(["send-keys", "G"])
        screen = try tmux.waitFor("the end of the prompt") {
            $0.contains("Test architecture:") && $0.contains("── response ──")
        }
        XCTAssertTrue(screen.contains("┏━ 4 Prompt inspector"), "the inspector is focused:\n\(screen)")

        try tmux.run(["send-keys", "?"])
        _ = try tmux.waitFor("help") { $0.contains("keys · ? or Esc closes") }
        try tmux.run(["send-keys", "Escape"])

        try tmux.run(["resize-window", "-x", "60", "-y", "20"])
        _ = try tmux.waitFor("too small") { $0.contains("Terminal too small") }
        try tmux.run(["resize-window", "-x", "100", "-y", "32"])
        screen = try tmux.waitFor("redrawn at 100x32") { s in
            s.contains("Pareto") && s.split(separator: "\n").allSatisfy { $0.count <= 100 }
        }

        // Paused, q asks first; y quits.
        try tmux.run(["send-keys", "q"])
        _ = try tmux.waitFor("the quit question") { $0.contains("The run is paused. Quit?") }
        try tmux.run(["send-keys", "y"])
        screen = try tmux.waitFor("exit") { $0.contains("EXITED 0") }
        XCTAssertTrue(screen.contains("saved: continue with: llmpp explore --resume"), screen)
        // The exact command back, with the data directory (lines joined where tmux wrapped them),
        // unquoted where the shell needs no quotes (it used to nest quotes: '... --data-dir '/x'').
        XCTAssertTrue(screen.replacingOccurrences(of: "\n", with: "").contains("--data-dir \(dataDir)"), screen)

        // The run resumes headless from where the explorer left it and finishes.
        let runs = try CLI.json(try CLI.run(["runs", "--json"], dataDir: dataDir).stdout) as! [[String: Any]]
        XCTAssertEqual(runs.count, 1)
        let id = runs[0]["run"] as! String
        let generationAtQuit = runs[0]["generation"] as! Int
        XCTAssertLessThan(generationAtQuit, 30)
        let resumed = try CLI.run(["search", "--resume", id, "--json"], dataDir: dataDir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let result = try CLI.json(resumed.stdout) as! [String: Any]
        XCTAssertEqual(result["switch_at"] as? Int, 4, "the moved switch point was saved with the run")
        XCTAssertNotNil(result["best"] as? [String: Any])
        XCTAssertEqual(server.requestCount, 12, "the replay paid for nothing")
    }

    func testNotATTYIsAClearError() throws {
        let dir = NSTemporaryDirectory() + "llmpp-notty-\(UUID().uuidString)"
        let r = try CLI.run(["explore", "--space", "nb201-cifar10", "--labels", "0", "--switch-at", "0"], dataDir: dir)
        XCTAssertEqual(r.status, 3)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: dir + "/llmpp.sqlite"),
            "a launch without a terminal left a run behind")
        XCTAssertTrue(r.stderr.contains("needs an interactive terminal"), r.stderr)
        XCTAssertEqual(r.stdout, "", "no escape codes in a pipe")
    }
}
