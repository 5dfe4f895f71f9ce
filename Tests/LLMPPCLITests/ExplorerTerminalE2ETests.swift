import Foundation
import LLMPPTestSupport
import XCTest

/// The real binary in tmux, for what only a real terminal shows: nothing but the renderer
/// writes on the screen while the local server starts, help scrolls at 80x24, and raw mouse
/// reports of any encoding are never read as keys.
final class ExplorerTerminalE2ETests: XCTestCase {
    /// An explorer on an in-test OpenAI-protocol LLM, paused, in a tmux window of this size.
    func startPaused(_ tmux: Tmux, width: Int, height: Int) throws -> TestHTTPServer {
        let server = try TestHTTPServer(
            fallback: .init(status: 200, body: TestHTTPServer.openAI("{\"accuracy\": 88.5}")))
        let dataDir = NSTemporaryDirectory() + "llmpp-e2e-\(UUID().uuidString)"
        let cmd =
            [
                CLI.binary, "explore", "--paused", "--provider", "openai", "--space", "nb201-cifar10", "--switch-at",
                "5", "--iterations", "10", "--population", "10", "--latency-ms", "30", "--hardware", "raspi4",
                "--spaces", CLI.spaces, "--data-dir", dataDir,
            ].map { "'\($0)'" }.joined(separator: " ")
        let env =
            "env LANG=C.UTF-8 TERM=tmux-256color OPENAI_BASE_URL=\(server.baseURL.absoluteString) OPENAI_API_KEY=test"
        try tmux.run([
            "new-session", "-d", "-x", "\(width)", "-y", "\(height)", "\(env) \(cmd); echo EXITED $?; sleep 60",
        ])
        _ = try tmux.waitFor("the explorer, paused") { $0.contains("PAUSED") && $0.contains("switch 5 ") }
        return server
    }

    func testHelpScrollsAt80x24AndRawMouseBytesAreNeverKeys() throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let server = try startPaused(tmux, width: 80, height: 24)
        defer { server.stop() }
        try tmux.run(["send-keys", "?"])
        var screen = try tmux.waitFor("help") { $0.contains("show or hide this help") }
        XCTAssertFalse(screen.contains("repaint the screen"), "the last key is below the fold at 80x24")
        try tmux.run(["send-keys", "G"])
        screen = try tmux.waitFor("help scrolled to its end") { $0.contains("repaint the screen") }
        try tmux.run(["send-keys", "Escape"])
        _ = try tmux.waitFor("help closed") { !$0.contains("repaint the screen") }

        // Mouse reports as xterm (X10), SGR and urxvt write them, whatever mode the terminal
        // was put in: their bytes include `[`, `<`, `>` and `]`, which steer when typed.
        let reports = [
            "1b 5b 4d 20 2a 25",  // X10 press at (9, 4)
            "1b 5b 4d 23 2a 25",  // X10 release
            "1b 5b 3c 30 3b 31 30 3b 35 4d",  // SGR press: ESC [ < 0 ; 1 0 ; 5 M
            "1b 5b 3c 30 3b 31 30 3b 35 6d",  // SGR release
            "1b 5b 3c 36 34 3b 33 3b 37 4d",  // SGR wheel
            "1b 5b 33 32 3b 31 30 3b 35 4d",  // urxvt: ESC [ 3 2 ; 1 0 ; 5 M
        ]
        for r in reports { try tmux.run(["send-keys", "-H"] + r.split(separator: " ").map(String.init)) }
        // A key that does say something, so that the screen is known to have read past them;
        // wide enough to show the constraint.
        try tmux.run(["resize-window", "-x", "160", "-y", "24"])
        try tmux.run(["send-keys", "x"])
        screen = try tmux.waitFor("the key after the reports") { $0.contains("x does nothing here") }
        XCTAssertTrue(screen.contains("switch 5 "), "no `<` or `>` got through:\n\(screen)")
        XCTAssertTrue(screen.contains("latency <= 30"), "no `[` or `]` got through:\n\(screen)")
        XCTAssertFalse(screen.contains("switch point ->"), screen)
        try tmux.run(["send-keys", "q"])
        try tmux.run(["send-keys", "y"])
        _ = try tmux.waitFor("exit") { $0.contains("EXITED 0") }
    }

    /// A crash (a Swift trap, SIGILL) left the terminal raw: no echo, no line editing, the
    /// alternate screen and mouse reports on, until the user typed `reset` blind. The trap is
    /// the one `LLMPP_TEST_TRAP=1` asks for after the first frame.
    func testACrashLeavesTheTerminalUsable() throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let dataDir = NSTemporaryDirectory() + "llmpp-e2e-\(UUID().uuidString)"
        let cmd = [
            CLI.binary, "explore", "--paused", "--provider", "openai", "--space", "nb201-cifar10", "--spaces",
            CLI.spaces, "--data-dir", dataDir,
        ].map { "'\($0)'" }.joined(separator: " ")
        let env =
            "env LANG=C.UTF-8 TERM=tmux-256color OPENAI_BASE_URL=http://127.0.0.1:9 LLMPP_TEST_TRAP=1 SWIFT_BACKTRACE=interactive=no"
        let modes = "stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '"
        try tmux.run([
            "new-session", "-d", "-x", "100", "-y", "30",
            "\(env) \(cmd) 2>/dev/null; echo EXITED $?; echo MODES $(\(modes)) END; sleep 60",
        ])
        let screen = try tmux.waitFor("the modes after the crash") { $0.contains(" END") }
        XCTAssertFalse(screen.contains("EXITED 0"), screen)
        XCTAssertTrue(screen.contains("MODES icanon echo END"), screen)
    }

    /// Ctrl-C quits like q: the run is saved and the resume command said (it ended the
    /// process at once, with no word, and the run was left listed as stopped).
    func testCtrlCSavesTheRunAndSaysHowToResume() throws {
        let tmux = Tmux()
        defer { tmux.kill() }
        let server = try startPaused(tmux, width: 100, height: 30)
        defer { server.stop() }
        try tmux.run(["send-keys", "C-c"])
        let screen = try tmux.waitFor("exit after Ctrl-C") { $0.contains("EXITED") }
        XCTAssertTrue(screen.contains("EXITED 0"), screen)
        XCTAssertTrue(screen.contains("llmpp explore --resume "), screen)
    }

    /// While the local llama-server starts and reads its first prompt, the screen keeps its
    /// header on the first row (its "starting ..." line used to be written over the screen,
    /// shifting everything up) and the status line turns a spinner saying what happens.
    func testNothingButTheRendererWritesWhileTheLocalServerStarts() throws {
        if ProcessInfo.processInfo.environment["LLMPP_SKIP_LLM_TESTS"] == "1" {
            throw XCTSkip("LLMPP_SKIP_LLM_TESTS=1")
        }
        let tmux = Tmux()
        defer { tmux.kill() }
        let dataDir = NSTemporaryDirectory() + "llmpp-e2e-local-\(UUID().uuidString)"
        let cmd =
            [
                CLI.binary, "explore", "--space", "nb201-cifar10", "--warmup-labels", "2", "--switch-at", "2",
                "--iterations", "4", "--population", "10", "--spaces", CLI.spaces, "--data-dir", dataDir,
            ].map { "'\($0)'" }.joined(separator: " ")
        try tmux.run([
            "new-session", "-d", "-x", "120", "-y", "30",
            "env LANG=C.UTF-8 TERM=tmux-256color \(cmd); echo EXITED $?; sleep 60",
        ])
        var saw: Set<String> = []
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline && !saw.contains("label") {
            let screen = try tmux.capture()
            let rows = screen.components(separatedBy: "\n")
            if !screen.contains("EXITED") && rows.contains(where: { !$0.isEmpty }) {
                XCTAssertTrue(rows[0].hasPrefix(" LLM-PP Explorer"), "the header stays on the first row:\n\(screen)")
                XCTAssertFalse(
                    rows.dropLast(2).contains { $0.contains("starting the local llama-server") },
                    "only the status line says it:\n\(screen)")
            }
            if screen.contains("starting the local llama-server (qwen2.5-coder-1.5b-instruct): loading the model") {
                saw.insert("start")
            }
            if screen.contains("first prompt: processing ") { saw.insert("prompt") }
            if screen.range(of: #"Label\+train \S+ [1-9]"#, options: .regularExpression) != nil { saw.insert("label") }
            usleep(200_000)
        }
        XCTAssertEqual(saw, ["start", "prompt", "label"], "the server's start, the first prompt, then a label")
        try tmux.run(["send-keys", "q"])
        try tmux.run(["send-keys", "y"])
        let end = try tmux.waitFor("exit", timeout: 60) { $0.contains("EXITED 0") }
        XCTAssertTrue(end.contains("saved: continue with"), end)
    }
}
