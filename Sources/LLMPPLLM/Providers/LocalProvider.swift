import Foundation
import LLMPPCore

/// The offline default: a local llama-server with the model `scripts/setup` installed,
/// spoken to over its OpenAI-compatible API. The server starts on the first request that
/// is not answered from the cache, so a fully cached rerun starts nothing.
public final class LocalProvider: LLMProvider, @unchecked Sendable {
    public let name = "local"
    public let model: String
    let binary: String
    let modelPath: String
    let logDirectory: String
    let timeout: Double
    private let starter: ServerStarter
    let activity = ActivityReporter()
    public var maxConcurrency: Int { 1 }
    public let supportsLogprobs = true
    public var supportsDistribution: Bool { true }
    public var displayName: String { "local \(model)" }
    public var requestTimeout: Double? { timeout }

    public init(binary: String, modelPath: String, logDirectory: String, timeout: Double = 600) {
        self.binary = binary
        self.modelPath = modelPath
        self.logDirectory = logDirectory
        self.timeout = timeout
        var m = (modelPath as NSString).lastPathComponent
        if m.hasSuffix(".gguf") { m = String(m.dropLast(5)) }
        model = m
        starter = ServerStarter()
    }

    /// Checks that the server and the model are installed; starts nothing yet.
    public static func make(logDirectory: String, timeout: Double? = nil) throws -> LocalProvider {
        LocalProvider(
            binary: try LocalLlamaServer.locateBinary(), modelPath: try LocalLlamaServer.locateModel(),
            logDirectory: logDirectory,
            timeout: timeout ?? 600)
    }

    actor ServerStarter {
        var server: LocalLlamaServer?
        var api: OpenAIProvider?
        /// Whether the next request is the server's first: the one that processes the whole prompt.
        var firstRequest = true
        /// Shut down: no server starts again (a retry after a quit started a fresh one).
        var stopped = false
        /// Seconds the running server took to load its model (recorded with its first answer).
        var loadSeconds: Double?
        func get(_ p: LocalProvider) async throws -> OpenAIProvider {
            if stopped { throw LLMError.cancelled }
            if let api { return api }
            let what = "starting the local llama-server (\(p.model))"
            if !p.activity.report(Activity(what + ": loading the model")) {
                FileHandle.standardError.write(Data("\(what)...\n".utf8))
            }
            defer { p.activity.report(nil) }
            let began = Date()
            let s = try await LocalLlamaServer.start(binary: p.binary, model: p.modelPath, logDirectory: p.logDirectory)
            loadSeconds = Date().timeIntervalSince(began)
            server = s
            firstRequest = true
            let a = OpenAIProvider(
                name: "local", model: p.model, baseURL: s.baseURL, apiKey: nil, maxConcurrency: 1, timeout: p.timeout,
                llamaServer: LlamaServerClient(root: s.rootURL, timeout: p.timeout))
            api = a
            return a
        }
        func stop() {
            stopped = true
            server?.stop()
            server = nil
            api = nil
        }
        var port: Int? { server?.port }
        func takeFirstRequest() -> Bool {
            defer { firstRequest = false }
            return firstRequest && api != nil
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        do { return try await completeOnServer(request) } catch {
            // A request cut by our own shutdown (a quit) is cancelled, not the server's failure:
            // it is neither recorded nor retried.
            if await starter.stopped { throw LLMError.cancelled }
            throw error
        }
    }

    private func completeOnServer(_ request: CompletionRequest) async throws -> CompletionResponse {
        let api = try await starter.get(self)
        guard await starter.takeFirstRequest() else { return try await api.complete(request) }
        // The first prompt is evaluated whole (later ones reuse its cached prefix): on 2 cores
        // that is most of a minute, said with its size instead of a frozen screen.
        let tokens = try? await api.llamaServer?.tokenCount(request.messages.map(\.content).joined(separator: "\n"))
        activity.report(
            Activity(
                "first prompt: processing " + (tokens.map { "\(Activity.grouped($0)) tokens" } ?? "the whole prompt")
                    + " (later prompts reuse its prefix)"))
        defer { activity.report(nil) }
        let began = Date()
        let response = try await api.complete(request)
        if let load = await starter.loadSeconds {
            LocalServerStarts.record(
                LocalServerStart(
                    model: model, loadSeconds: load, firstAnswerSeconds: Date().timeIntervalSince(began),
                    date: Date().timeIntervalSince1970), logDirectory: logDirectory)
        }
        return response
    }

    /// Nil once the server runs; else the medians of this model's recorded starts.
    public func coldStartCost() async -> ColdStartCost? {
        guard await starter.port == nil else { return nil }
        let starts = LocalServerStarts.read(logDirectory: logDirectory, model: model)
        guard !starts.isEmpty else { return nil }
        return ColdStartCost(
            loadSeconds: Metrics.median(starts.map(\.loadSeconds)),
            firstAnswerSeconds: Metrics.median(starts.map(\.firstAnswerSeconds)), starts: starts.count)
    }

    public func onActivity(_ handler: @escaping ActivityHandler) { activity.set(handler) }

    /// The loopback port of the running server, nil before the first request.
    public var port: Int? { get async { await starter.port } }

    public func shutdown() async { await starter.stop() }

    /// The running server's OpenAI-compatible client (started if needed): for driving the
    /// server directly, as the benchmark does to compare with the full prediction path.
    public func serverAPI() async throws -> OpenAIProvider { try await starter.get(self) }
}
