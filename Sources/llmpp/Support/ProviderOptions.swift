import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPStore

/// Options that choose and limit the LLM.
struct ProviderOptions: ParsableArguments {
    @Option(help: "LLM provider: local (offline default), openai, anthropic, replay.") var provider: String = "local"
    @Option(help: "Model name (openai: OPENAI_BASE_URL/OPENAI_API_KEY; anthropic: ANTHROPIC_API_KEY).") var model:
        String?
    @Option(help: "Transcript to replay (from 'llmpp calls export'), with --provider replay.") var replay: String?
    @Option(help: "Self-consistency: answers per architecture, aggregated by median (temperature 0.7 when > 1).")
    var samples: Int = 1
    @Option(
        help:
            "greedy, or distribution: the median of the answer's distribution (local: walked digit by digit from the model's next-token probabilities; other providers: of --samples answers). Default: distribution for local, greedy otherwise; reproduce: greedy (the paper's pipeline)."
    )
    var decode: PredictionSettings.Decode?
    @Option(name: .customLong("walk-threshold"), help: "Digit walk: prune branches whose probability falls below this.")
    var walkThreshold: Double = 0.005
    @Option(name: .customLong("walk-decimals"), help: "Digit walk: digits after the decimal point to resolve.")
    var walkDecimals: Int = 1
    @Option(
        help: """
            LLM-PP's leave-one-out calibration: the LLM also answers each demonstration from the other nine; shift \
            adds the median of its errors there to every test answer, affine fits truth on answer, none keeps the \
            answers (default: shift for local, none otherwise and in reproduce; a student's labels stay as answered).
            """)
    var calibrate: LeaveOneOutCalibration.Method?
    @Option(
        name: .customLong("llm-timeout"), parsing: .unconditional,
        help: "Seconds one LLM request may take (default: 120 for remote APIs, 600 for the local server).")
    var llmTimeout: Double?
    @Option(
        help:
            "LLM requests in flight at once (default 4 for openai/anthropic, 1 for local): raise it for a vLLM server or an API whose rate limit allows more."
    )
    var concurrency: Int?
    @Option(
        name: .customLong("max-calls"),
        help: "Budget: the run's LLM calls in all (with --resume: replaces the saved budget, spent calls included).")
    var maxCalls: Int?
    @Option(
        name: .customLong("max-tokens"),
        help: "Budget: the run's tokens in all (with --resume: replaces the saved budget).") var maxTokens: Int?
    @Option(
        name: .customLong("max-cost"),
        help: "Budget: the run's dollars in all (with --resume: replaces the saved budget).") var maxCost: Double?

    func validate() throws {
        guard ProviderFactory.names.contains(provider) else {
            throw ValidationError("--provider must be one of \(ProviderFactory.names.joined(separator: ", "))")
        }
        guard (1...64).contains(samples) else { throw ValidationError("--samples must be in 1...64") }
        if provider == "replay" && replay == nil { throw ValidationError("--provider replay needs --replay FILE") }
        guard walkThreshold > 0 && walkThreshold < 1 else {
            throw ValidationError("--walk-threshold must be in (0, 1)")
        }
        guard (0...3).contains(walkDecimals) else { throw ValidationError("--walk-decimals must be in 0...3") }
        // 1e-300 s was accepted and every request "timed out after 0 s"; no answer comes sooner
        // than a tenth of a second, nor is one worth waiting for beyond a day.
        if let t = llmTimeout, !(t.isFinite && (0.1...86400).contains(t)) {
            throw ValidationError("--llm-timeout must be a number of seconds in 0.1...86400, got \(t)")
        }
        if let m = model, m.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--model must name a model (it was given empty)")
        }
        if let c = concurrency, !(1...256).contains(c) {
            throw ValidationError("--concurrency must be in 1...256, got \(c)")
        }
        // A budget is a count or an amount >= 0 (nan and inf failed later as a JSON encoding
        // error; -1 was accepted and reported as "$0.0000 of $0.0000").
        if let m = maxCalls, m < 0 { throw ValidationError("--max-calls must be >= 0, got \(m)") }
        if let m = maxTokens, m < 0 { throw ValidationError("--max-tokens must be >= 0, got \(m)") }
        if let m = maxCost, !(m.isFinite && m >= 0) {
            throw ValidationError("--max-cost must be a number of dollars >= 0, got \(m)")
        }
    }

    /// The decoding a provider gets when --decode is not given: the digit walk where the
    /// provider can do it (the local server), greedy elsewhere.
    var defaultDecode: PredictionSettings.Decode { provider == "local" ? .distribution : .greedy }

    /// LLM-PP's calibration when --calibrate is not given: the leave-one-out shift where it was
    /// measured to help (the local model answers 0.3-0.9 BLEU too high), none elsewhere.
    var defaultCalibration: LeaveOneOutCalibration.Method { provider == "local" ? .shift : .none }

    var settings: PredictionSettings { settings(defaultDecode: defaultDecode, defaultCalibration: defaultCalibration) }

    func settings(defaultDecode: PredictionSettings.Decode, defaultCalibration: LeaveOneOutCalibration.Method)
        -> PredictionSettings
    {
        var s = PredictionSettings(
            samples: samples, decode: decode ?? defaultDecode, walkThreshold: walkThreshold, walkDecimals: walkDecimals)
        s.timeout = llmTimeout
        s.concurrency = concurrency
        s.calibration = calibrate ?? defaultCalibration
        return s
    }

    /// The LLM part of a run's configuration.
    func apply(to c: inout RunConfig) {
        c.provider = provider
        c.model = model
        c.replayFile = replay
        c.prediction = settings
        c.maxCalls = maxCalls
        c.maxTokens = maxTokens
        c.maxCostUSD = maxCost
    }
    var limits: Budget.Limits { Budget.Limits(maxCalls: maxCalls, maxTokens: maxTokens, maxCostUSD: maxCost) }

    func makeProvider(common: CommonOptions) async throws -> any LLMProvider {
        return try await ProviderFactory.make(
            name: provider, model: model, replayFile: replay,
            logDirectory: (common.resolvedDataDirectory as NSString).appendingPathComponent("logs"),
            timeout: llmTimeout, concurrency: concurrency)
    }
}

extension PredictionSettings.Decode: ExpressibleByArgument {}
extension LeaveOneOutCalibration.Method: ExpressibleByArgument {}

extension CommonOptions {
    var databasePath: String { (resolvedDataDirectory as NSString).appendingPathComponent("llmpp.sqlite") }
    func openStore(create: Bool = true) throws -> TranscriptStore {
        try TranscriptStore(path: databasePath, create: create)
    }
}

func newRunID(_ kind: String) -> String {
    let f = DateFormatter()
    f.dateFormat = "yyyyMMdd-HHmmss"
    f.timeZone = TimeZone(identifier: "UTC")
    var rng = SystemRandomNumberGenerator()
    return "\(kind)-\(f.string(from: Date()))-\(String(rng.next() & 0xffff, radix: 16))"
}
