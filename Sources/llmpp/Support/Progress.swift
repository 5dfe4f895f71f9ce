import Foundation
import LLMPPCore
import LLMPPEngine
import Synchronization

/// Progress of long work on stderr, with rate, elapsed time and ETA: a redrawn bar on a
/// terminal, a line every 10% otherwise, so that piped output and logs stay readable. When
/// nothing moves for 10 s, a "waiting for ..." line says what it waits on and for how long.
final class Progress: Sendable {
    private struct Counts {
        var done = 0
        var total = 0
        var lastDecile = -1
        var lastChange = Date()
        var lastWaitMark = 0
        var finished = false
        var retryNote: String? = nil
    }
    let label: String
    let isTTY = isatty(STDERR_FILENO) == 1
    let started = Date()
    private let counts = Mutex(Counts())
    private let heartbeat = Mutex<Task<Void, Never>?>(nil)

    /// `waitingFor`: what a stall waits on ("the LLM"), with its per-request timeout.
    init(_ label: String, waitingFor: String? = nil, timeout: Double? = nil, retried: Bool = false) {
        // Escaped once here: every line and redraw quotes it.
        self.label = label.escapingControlCharacters
        guard let what = waitingFor else { return }
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                self?.reportStall(Waiting(what: what, timeout: timeout, retried: retried))
            }
        }
        heartbeat.withLock { $0 = task }
    }

    deinit { heartbeat.withLock { $0?.cancel() } }

    /// `fromCache`: how many of `done` took no time (answers from the cache): left out of the
    /// rate, so that the ETA of what is left to ask is not a cached answer's.
    func update(_ done: Int, of total: Int, fromCache: Int = 0) {
        guard total > 0 else { return }
        let (print, decileChanged) = counts.withLock { c -> (Bool, Bool) in
            let moved = done != c.done || total != c.total
            c.done = done
            c.total = total
            if moved {
                c.lastChange = Date()
                c.lastWaitMark = 0
                c.retryNote = nil
            }
            if done >= total { c.finished = true }
            let decile = Int(min(1, Double(done) / Double(total)) * 10)
            defer { c.lastDecile = decile }
            return (moved || c.lastDecile < 0, decile != c.lastDecile)
        }
        guard print else { return }
        let rate = ProgressRate(
            done: done, total: total, doneBefore: fromCache, elapsed: Date().timeIntervalSince(started))
        if isTTY {
            let frac = min(max(Double(done) / Double(total), 0), 1)
            let width = 30
            let filled = Int(frac * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            write(
                "\r\(label) \(bar) \(Int(frac * 100))% \(rate.text)\u{1B}[K"
                    + (done >= total ? "\n" : ""))
            if done >= total { stop() }
        } else if decileChanged || done >= total {
            write("\(label): \(rate.text)\n")
            if done >= total { stop() }
        }
    }

    func stop() {
        heartbeat.withLock {
            $0?.cancel()
            $0 = nil
        }
    }

    /// Why the next stall line's wait outlasts the timeout (a retry's back-off), until progress moves.
    func noteRetry(_ because: String) { counts.withLock { $0.retryNote = because } }

    private func reportStall(_ waiting: Waiting) {
        let due = counts.withLock { c -> (Int, Waiting)? in
            guard !c.finished else { return nil }
            var w = waiting
            w.since = c.lastChange
            w.retryNote = c.retryNote
            guard let mark = Waiting.dueMark(seconds: w.seconds(), lastMark: c.lastWaitMark) else { return nil }
            c.lastWaitMark = mark
            return (mark, w)
        }
        guard let (mark, w) = due else { return }
        write((isTTY ? "\r\u{1B}[K" : "") + "\(label): \(w.line(atMark: mark).escapingControlCharacters)\n")
    }

    private func write(_ s: String) { StandardError.write(s) }
}

/// Prints what the engine waits on (headless runs): the provider's activity when it begins
/// ("starting llama-server ..."), and a "waiting for ..." line while one of its calls or
/// evaluations is slow. Cancel the returned task when the run ends.
func watchWaits(_ engine: Engine) -> Task<Void, Never> {
    Task {
        var shown: (since: Date, mark: Int)? = nil
        var lastActivity: Activity? = nil
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 1_000_000_000)
            let snap = await engine.snapshot()
            if let a = snap.activity, a != lastActivity {
                StandardError.line("\(a.what)...")
            }
            lastActivity = snap.activity
            guard let w = snap.waiting else { continue }
            let last = shown?.since == w.since ? shown!.mark : 0
            guard let mark = Waiting.dueMark(seconds: w.seconds(), lastMark: last) else { continue }
            shown = (w.since, mark)
            StandardError.line(w.line(atMark: mark))
        }
    }
}
