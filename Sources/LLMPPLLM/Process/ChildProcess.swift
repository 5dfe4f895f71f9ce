import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with posix_spawn, with the signal mask and dispositions reset:
/// Foundation's Process spawns from dispatch threads whose blocked signals the child would
/// inherit (SIGTERM then never arrives), and its waitUntilExit spins off the main thread.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `path` with `arguments`. stdin reads `stdinFD` (else /dev/null); stdout goes to
    /// `stdoutFD` or is appended to `outputPath`; stderr to `outputPath` (else with stdout).
    /// `ownGroup`: the child leads a process group of its own, and `stop` signals the whole
    /// group: a shell command's grandchildren (a Ray instance's servers) go with it.
    public static func spawn(
        _ path: String, _ arguments: [String], environment: [String: String],
        outputPath: String?, stdinFD: Int32? = nil, stdoutFD: Int32? = nil, ownGroup: Bool = false
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        redirect(&actions, stdinFD: stdinFD, stdoutFD: stdoutFD, outputPath: outputPath)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        resetSignals(&attr, ownGroup: ownGroup)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        guard rc == 0 else { throw LLMError.unavailable("cannot start \(path): \(String(cString: strerror(rc)))") }
        takeTheUsersNice(pid)
        if ownGroup { groupsLock.withLock { _ = runningGroups.insert(pid) } }
        return ChildProcess(pid: pid, ownGroup: ownGroup)
    }

    /// Gives the child the niceness `llmpp` was started with. Linux keeps a niceness per thread;
    /// the dispatch threads that spawn children run at their own (0 or -4 for a root process),
    /// so `nice -n 10 llmpp` left the local server at 0, hogging a shared machine. The main
    /// thread's id is the process id: its niceness is the one the user gave.
    private static func takeTheUsersNice(_ child: pid_t) {
        errno = 0
        let nice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid()))
        guard errno == 0 else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(child), nice)
    }

    /// Leaders of the process groups this process started and has not reaped: an unreaped
    /// leader's pid cannot be reused, so signalling these groups reaches only our children.
    nonisolated(unsafe) private static var runningGroups: Set<pid_t> = []
    private static let groupsLock = NSLock()

    /// Kills every process group this process started that still runs (an evaluator, the
    /// local server): for a process about to end at once, whose children would otherwise
    /// outlive it (an evaluator that sleeps for an hour, in a group of its own, is not
    /// reached by the terminal's Ctrl-C).
    public static func killRunningGroups() {
        for leader in groupsLock.withLock({ runningGroups }) { kill(-leader, SIGKILL) }
    }

    /// The child's stdin, stdout and stderr, and nothing else: a long-lived child (a server,
    /// tmux) must not hold this process's pipes open.
    private static func redirect(
        _ actions: inout posix_spawn_file_actions_t, stdinFD: Int32?, stdoutFD: Int32?, outputPath: String?
    ) {
        if let fd = stdinFD {
            posix_spawn_file_actions_adddup2(&actions, fd, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        let out = outputPath ?? "/dev/null"
        if let fd = stdoutFD {
            posix_spawn_file_actions_adddup2(&actions, fd, 1)
            posix_spawn_file_actions_addopen(&actions, 2, out, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        _ = llmpp_addclosefrom(&actions, 3)
    }

    /// No blocked signals and default dispositions for those a child must be able to receive;
    /// a process group of its own where asked.
    private static func resetSignals(_ attr: inout posix_spawnattr_t, ownGroup: Bool) {
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attr, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attr, Int16(flags))
    }

    /// Whether `pid` leads its own process group (signals then go to the group).
    let ownGroup: Bool

    init(pid: pid_t, ownGroup: Bool = false) {
        self.pid = pid
        self.ownGroup = ownGroup
    }

    /// Reaps the child if it has exited; true while it runs.
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if status != nil { return false }
        var st: Int32 = 0
        let r = waitpid(pid, &st, WNOHANG)
        if r == pid || r < 0 {
            status = st
            if ownGroup { Self.groupsLock.withLock { _ = Self.runningGroups.remove(pid) } }
            return false
        }
        return true
    }

    public func signal(_ sig: Int32) { if isRunning { kill(ownGroup ? -pid : pid, sig) } }

    /// Exit code once exited (128 + signal when killed by one), nil while running.
    public var exitCode: Int32? {
        guard !isRunning else { return nil }
        lock.lock()
        defer { lock.unlock() }
        guard let st = status else { return nil }
        let sig = st & 0x7f
        return sig == 0 ? (st >> 8) & 0xff : 128 + sig
    }

    /// Asks the child to stop, waits up to `grace` seconds, then kills it.
    public func stop(grace: Double = 5) {
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        if isRunning {
            // Killed outright, a watchdog shell cannot pass the signal on: its children go
            // first, or they would outlive it (seen: llama-servers orphaned under memory pressure).
            for child in Self.children(of: pid) { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
            while isRunning { usleep(10_000) }
        }
        // The group's other members may outlive its leader (a shell that exited on SIGTERM while
        // its children still clean up): they get no more time than the leader had.
        if ownGroup { kill(-pid, SIGKILL) }
    }

    /// The processes whose parent is `pid`, from /proc (Linux); empty where it cannot be read.
    static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name -> Int32? in
            guard let p = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(p)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm) state": the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? p : nil
        }
    }
}

// glibc >= 2.34; the header declares it only under _GNU_SOURCE, which Swift's Glibc module lacks.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func llmpp_addclosefrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
