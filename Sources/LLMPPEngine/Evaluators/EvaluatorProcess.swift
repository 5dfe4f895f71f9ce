import Foundation
import LLMPPLLM

#if canImport(Glibc)
    import Glibc
#endif

/// One run of an external evaluator's command: `/bin/sh -c command` in its own process
/// group, fed its input on stdin from a thread (so a command that answers before reading
/// everything cannot deadlock us), its stdout collected until it closes, the timeout passes
/// or the output outgrows its limit, and the process group stopped at the end of all three.
struct EvaluatorProcess {
    enum Ending: Equatable {
        /// The command closed its stdout.
        case closedOutput
        /// The command exited, but something it started in the background still holds its
        /// stdout open (`evaluate.py; sleep 30 &`): its answers are in, and the rest of its
        /// process group is stopped. It waited for the timeout and called the answers incomplete.
        case exitedLeavingOutputOpen
        case timedOut
        /// It wrote more than the limit on stdout (bytes).
        case outputOverLimit(Int)
    }

    struct Result {
        var output: Data
        var exitCode: Int32
        var ending: Ending
    }

    /// Seconds a timed-out command has between SIGTERM and SIGKILL.
    static let stopGrace = 10.0
    /// The most stdout one batch may write: its answers are a short line per architecture.
    static let defaultOutputLimit = 64 << 20

    let command: String
    let environment: [String: String]
    let logPath: String?
    let timeout: Double
    var outputLimit = Self.defaultOutputLimit

    func run(input: Data) throws -> Result {
        let (child, stdinFD, stdoutFD) = try spawn()
        let writer = Self.feed(input, to: stdinFD)
        let (output, ending) = collect(stdoutFD, from: child)
        close(stdoutFD)
        Self.reap(child, stopNow: ending != .closedOutput)
        while !writer.isFinished { usleep(1000) }
        return Result(output: output, exitCode: child.exitCode ?? -1, ending: ending)
    }

    /// The child with pipes on its stdin and stdout; returns our ends of them.
    private func spawn() throws -> (ChildProcess, stdin: Int32, stdout: Int32) {
        var inPipe: [Int32] = [0, 0]
        var outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else { throw EvaluatorError("pipe(): \(errno)") }
        // Our ends must not leak into other children.
        for fd in [inPipe[1], outPipe[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                "/bin/sh", ["-c", command], environment: environment,
                outputPath: logPath, stdinFD: inPipe[0], stdoutFD: outPipe[1], ownGroup: true)
        } catch {
            for fd in inPipe + outPipe { close(fd) }
            throw error
        }
        // The child's ends stay open only in the child, so its exit closes them.
        close(inPipe[0])
        close(outPipe[1])
        return (child, inPipe[1], outPipe[0])
    }

    /// Writes `input` to `fd` on a thread and closes it (early if the reader goes away).
    private static func feed(_ input: Data, to fd: Int32) -> Thread {
        let writer = Thread {
            signal(SIGPIPE, SIG_IGN)
            input.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = write(fd, raw.baseAddress! + off, raw.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
            close(fd)
        }
        writer.start()
        return writer
    }

    /// Reads `fd` until it closes, the timeout passes, the output is over the limit, or the
    /// command has exited and its output stayed silent for a second.
    private func collect(_ fd: Int32, from child: ChildProcess) -> (Data, Ending) {
        var output = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        var silentSinceExit: Date? = nil
        while true {
            switch DescriptorWait.wait(fd, for: Int16(POLLIN), until: min(deadline, Date().addingTimeInterval(0.25))) {
            case .deadlinePassed:
                if Date() >= deadline { return (output, .timedOut) }
                guard !child.isRunning else { continue }
                let since = silentSinceExit ?? Date()
                silentSinceExit = since
                if Date().timeIntervalSince(since) >= 1 { return (output, .exitedLeavingOutputOpen) }
                continue
            case .failed: return (output, .closedOutput)
            case .ready: silentSinceExit = nil
            }
            let n = read(fd, &buf, buf.count)
            if n <= 0 { return (output, .closedOutput) }
            output.append(contentsOf: buf[0..<n])
            if output.count > outputLimit { return (output, .outputOverLimit(outputLimit)) }
        }
    }

    /// Stops the command's process group: SIGTERM with time to clean up (cancel cluster tasks,
    /// stop a local Ray instance: a few seconds) when it must stop now, else a few seconds to
    /// exit on its own after closing its output; then SIGKILL to what is left.
    private static func reap(_ child: ChildProcess, stopNow: Bool) {
        if stopNow { child.stop(grace: stopGrace) }
        let start = Date()
        while child.isRunning && Date().timeIntervalSince(start) < 5 { usleep(10_000) }
        if child.isRunning { child.stop(grace: 0.5) }
    }
}
