import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A llama.cpp `llama-server` started on a free loopback port for this process and stopped
/// with it: through a small shell watchdog that also ends the server within a second if
/// this process is killed (-9 included), so no server outlives its user.
public final class LocalLlamaServer: @unchecked Sendable {
    public let port: Int
    public let modelPath: String
    public let logPath: String
    let process: ChildProcess

    /// `$LLMPP_HOME`, default `~/.cache/llmpp`: where `scripts/setup` installs the server and model.
    public static var home: String {
        let env = ProcessInfo.processInfo.environment
        if let h = env["LLMPP_HOME"], !h.isEmpty { return h }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".cache/llmpp")
    }

    public static func locateBinary() throws -> String {
        let env = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let b = env["LLMPP_LLAMA_SERVER"], !b.isEmpty { candidates.append(b) }
        candidates.append((home as NSString).appendingPathComponent("bin/llama-server"))
        for dir in (env["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/llama-server") }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw LLMError.unavailable(
            "llama-server not found (looked in \(candidates.prefix(2).joined(separator: ", ")) and PATH): run scripts/setup, or set LLMPP_LLAMA_SERVER"
        )
    }

    public static func locateModel() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let path =
            env["LLMPP_MODEL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (home as NSString).appendingPathComponent("models/default.gguf")
        guard FileManager.default.fileExists(atPath: path) else {
            throw LLMError.unavailable(
                "no local model at \(path): run scripts/setup, or set LLMPP_MODEL to a .gguf file")
        }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// A port the kernel says is free on 127.0.0.1 right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LLMError.unavailable("socket(): \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else { throw LLMError.unavailable("cannot bind a loopback port: \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    init(port: Int, modelPath: String, logPath: String, process: ChildProcess) {
        self.port = port
        self.modelPath = modelPath
        self.logPath = logPath
        self.process = process
    }

    /// Runs `binary` under a shell that stops it when this process is gone, even killed with
    /// SIGKILL. A llama-server told SIGTERM in the middle of a prompt finishes that prompt
    /// first (seen: 50 CPU-seconds on 2 cores after its llmpp was killed), so the shell gives
    /// it `graceSeconds` and then SIGKILL.
    static func spawnWatched(
        _ binary: String, _ arguments: [String], outputPath: String?, parent: Int32 = getpid(),
        graceSeconds: Int = 3
    ) throws -> ChildProcess {
        let ticks = graceSeconds * 10
        let watchdog = """
            "$0" "$@" & srv=$!
            halt() {
              kill $srv 2>/dev/null; i=0
              while kill -0 $srv 2>/dev/null && [ $i -lt \(ticks) ]; do sleep 0.1; i=$((i+1)); done
              kill -9 $srv 2>/dev/null; wait $srv
            }
            trap 'halt; exit 0' TERM INT HUP
            while kill -0 "$LLMPP_PARENT" 2>/dev/null && kill -0 $srv 2>/dev/null; do sleep 0.5; done
            halt
            """
        var env = ProcessInfo.processInfo.environment
        env["LLMPP_PARENT"] = String(parent)
        // A process group of its own: the terminal's Ctrl-C goes to the foreground group, and it
        // killed the server under a headless run that was saving itself (the calls in flight
        // failed and the run was listed as failed). The watchdog still follows this process.
        return try ChildProcess.spawn(
            "/bin/sh", ["-c", watchdog, binary] + arguments, environment: env, outputPath: outputPath, ownGroup: true)
    }

    public static func start(
        binary: String, model: String, contextSize: Int = 8192, logDirectory: String,
        readyTimeout: Double = 180
    ) async throws -> LocalLlamaServer {
        let port = try freePort()
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        // This start's log makes the ninth: the newest eight are enough to read a failure.
        LogPruning.prune(directory: logDirectory, prefix: "llama-server-", keep: 7)
        let logPath = (logDirectory as NSString).appendingPathComponent("llama-server-\(port).log")
        let p = try spawnWatched(
            binary,
            [
                "-m", model, "--host", "127.0.0.1", "--port", String(port), "-c", String(contextSize), "-np", "1",
                "--no-webui",
            ],
            outputPath: logPath)
        let server = LocalLlamaServer(port: port, modelPath: model, logPath: logPath, process: p)
        let http = HTTPClient(timeout: 5)
        let url = URL(string: "http://127.0.0.1:\(port)/health")!
        let deadline = Date().addingTimeInterval(readyTimeout)
        while Date() < deadline {
            if !p.isRunning {
                let tail =
                    (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(8).joined(
                        separator: "\n") ?? ""
                throw LLMError.unavailable("llama-server exited while starting (log \(logPath)):\n\(tail)")
            }
            if let r = try? await http.get(url, timeout: 2), r.status == 200 { return server }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        server.stop()
        throw LLMError.unavailable("llama-server did not become ready in \(Int(readyTimeout)) s (log \(logPath))")
    }

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }
    /// The server's own endpoints (`/completion`, `/apply-template`).
    public var rootURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    public func stop() { process.stop() }

    deinit { stop() }
}
