import Foundation
import LLMPPCore
import LLMPPLLM

#if canImport(Glibc)
    import Glibc
#endif

/// A command the user names (run with /bin/sh -c) that scores architectures: the way a real
/// HAT/MoS supernet on a GPU, or a Ray/Slurm fan-out, plugs in.
///
/// Protocol, one batch per process: llmpp writes one JSON object per line on the command's
/// stdin, `{"id": "<arch id>", "arch": {"<dimension name>": value or [values], ...}}`, then
/// closes stdin; the command answers one line per architecture on stdout,
/// `{"id": "<arch id>", "score": <number>}`, in any order, and exits 0; an answer may add
/// `"seconds": <number>`, what that evaluation cost (e.g. the GPU time of a training run on a
/// cluster), which search hours then count instead of the batch's wall time (all answers of a
/// batch must have it, or none). Anything else (a
/// crash, a non-zero exit, a missing or unparsable answer, no answer within the timeout, more
/// than `EvaluatorProcess.defaultOutputLimit` bytes on stdout) is
/// an error naming what went wrong; the engine pauses the run and loses nothing.
public struct ExternalEvaluator: ExpensiveEvaluator {
    public let command: String
    public let space: SearchSpace
    public let timeout: Double
    public let logPath: String?
    /// Provider keys the command may see (`--evaluator-env NAME`); the others are removed.
    public let passEnvironment: [String]
    public var name: String { "external: \(command)" }
    public var description: String { "the external command `\(command)` (JSON lines on stdin/stdout)" }
    public var costLabel: String { "the seconds the evaluator reported (else wall time)" }

    public init(
        command: String, space: SearchSpace, timeout: Double = 3600, logPath: String? = nil,
        passEnvironment: [String] = []
    ) {
        self.command = command
        self.space = space
        self.timeout = timeout
        self.logPath = logPath
        self.passEnvironment = passEnvironment
    }

    /// This process's environment without the providers' API keys, except those asked for:
    /// a scoring script has no use for them, and would log or leak them with its environment.
    public static func childEnvironment(_ env: [String: String], passing: [String]) -> [String: String] {
        env.filter { ProviderFactory.secretVariables.contains($0.key) == false || passing.contains($0.key) }
    }

    public static func requestLine(_ a: Architecture, space: SearchSpace) -> String {
        JSONValue.object([("id", .string(space.id(a))), ("arch", space.json(a))]).rendered()
    }

    public func evaluate(_ archs: [Architecture]) async throws -> [Double] { try await evaluateCosted(archs).scores }

    public func evaluateCosted(_ archs: [Architecture]) async throws -> CostedScores {
        guard !archs.isEmpty else { return CostedScores(scores: [], seconds: nil) }
        if let logPath {
            try? FileManager.default.createDirectory(
                atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        // Where this batch's stderr starts in the log: its last line is the error shown on a failure.
        let logStart = logPath.flatMap { Self.fileSize($0) } ?? 0
        let input = archs.map { Self.requestLine($0, space: space) }.joined(separator: "\n") + "\n"
        let environment = Self.childEnvironment(ProcessInfo.processInfo.environment, passing: passEnvironment)
        let process = EvaluatorProcess(command: command, environment: environment, logPath: logPath, timeout: timeout)
        let run = try await Task.detached { try process.run(input: Data(input.utf8)) }.value
        switch run.ending {
        case .timedOut:
            throw EvaluatorError(
                "the evaluator `\(command)` gave no complete answer within \(Int(timeout)) s and was stopped")
        case .outputOverLimit(let limit):
            throw EvaluatorError(
                "the evaluator `\(command)` wrote more than \(limit >> 20) MB on stdout for \(archs.count) architectures and was stopped"
            )
        case .closedOutput, .exitedLeavingOutputOpen: break
        }
        let (output, code) = (run.output, run.exitCode)
        guard code == 0 else {
            let said = logPath.flatMap { Self.lastLine(ofLog: $0, from: logStart) }.map { ": \($0)" } ?? ""
            throw EvaluatorError(
                "the evaluator `\(command)` exited with status \(code)\(said)\(logPath.map { " (stderr in \($0))" } ?? "")"
            )
        }
        let answers = try Self.parseAnswers(output, command: command)
        let batch = try archs.map { a in
            guard let s = answers[space.id(a)] else {
                throw EvaluatorError("the evaluator `\(command)` gave no score for \(space.id(a))")
            }
            return s
        }
        let seconds = batch.compactMap(\.seconds)
        guard seconds.isEmpty || seconds.count == batch.count else {
            throw EvaluatorError(
                "the evaluator `\(command)` reported \"seconds\" for \(seconds.count) of \(batch.count) architectures: all or none"
            )
        }
        return CostedScores(scores: batch.map(\.score), seconds: seconds.isEmpty ? nil : seconds)
    }

    static func fileSize(_ path: String) -> UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64
    }

    /// The last non-blank line the command wrote to its log after `from`, cleaned for one line of
    /// the UI: what a failing evaluator says about why (`ray_evaluator: … failed: …`).
    static func lastLine(ofLog path: String, from: UInt64) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = fileSize(path) ?? 0
        // Only the tail: a chatty evaluator may have written megabytes.
        let start = max(from, size > 4096 ? size - 4096 : 0)
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return nil }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return line.map { String($0.trimmingCharacters(in: .whitespaces).prefix(300)).escapingControlCharacters }
    }

    /// One answer line: the score, and what the evaluation cost when the evaluator says.
    public struct Answer: Sendable, Equatable {
        public var score: Double
        public var seconds: Double?
    }

    /// The protocol's answer: one `{"id": ..., "score": number[, "seconds": number]}` per line,
    /// blank lines ignored; anything else is an error naming the line.
    public static func parseAnswers(_ output: Data, command: String) throws -> [String: Answer] {
        var answers: [String: Answer] = [:]
        // `\r\n` is one Character in Swift: splitting on "\n" alone left CRLF output one "line".
        for (i, line) in String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let shown = line.prefix(120).escapingControlCharacters
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let id = obj["id"] as? String, let score = JSONNumber.double(obj["score"])
            else {
                throw EvaluatorError("the evaluator `\(command)` answered garbage on line \(i + 1): \(shown)")
            }
            // No score of any task is this large; 1e308 printed as 300 digits and broke the plot.
            guard score.isFinite, abs(score) <= 1e12 else {
                throw EvaluatorError(
                    "the evaluator `\(command)` answered a score out of range (|score| <= 1e12) on line \(i + 1): \(shown)"
                )
            }
            var seconds: Double? = nil
            if let raw = obj["seconds"] {
                // At most ~32 years an evaluation: 1e308 each summed to infinity, and the run could not be saved.
                guard let s = JSONNumber.double(raw), s.isFinite, (0...1e9).contains(s) else {
                    throw EvaluatorError(
                        "the evaluator `\(command)` reported \"seconds\" that are not a number in 0...1e9 on line \(i + 1): \(shown)"
                    )
                }
                seconds = s
            }
            guard answers[id] == nil else {
                throw EvaluatorError(
                    "the evaluator `\(command)` answered '\(id.escapingControlCharacters)' twice (line \(i + 1))")
            }
            answers[id] = Answer(score: score, seconds: seconds)
        }
        return answers
    }

    public static func parseScores(_ output: Data, command: String) throws -> [String: Double] {
        try parseAnswers(output, command: command).mapValues(\.score)
    }
}
