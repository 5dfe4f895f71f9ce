import Foundation
import LLMPPCore
import LLMPPStore

/// How LLM-PP asks: samples, decoding, corrections.
public struct PredictionSettings: Sendable, Codable, Equatable {
    public enum Decode: String, Sendable, Codable, CaseIterable {
        /// The answer as the model writes it at temperature 0 (or the median of k samples).
        case greedy
        /// The answer's distribution: a digit walk where the provider reports next-token
        /// probabilities, else the empirical distribution of `samples` answers; its median.
        case distribution

        /// Runs saved before `distribution` replaced the per-digit expectation read as its successor.
        public init(from decoder: Decoder) throws {
            let raw = try decoder.singleValueContainer().decode(String.self)
            self =
                raw == "expectation"
                ? .distribution
                : try Decode(rawValue: raw).orThrow(
                    DecodingError.dataCorrupted(
                        .init(codingPath: decoder.codingPath, debugDescription: "unknown decode '\(raw)'")))
        }
    }
    /// Self-consistency: k answers (temperature > 0 when k > 1), aggregated by median.
    public var samples: Int = 1
    public var decode: Decode = .greedy
    /// nil: 0 for one sample, 0.7 for several.
    public var temperature: Double? = nil
    /// Corrective follow-ups after an answer without a usable number.
    public var maxCorrections: Int = 2
    public var seed: Int = 0
    public var topLogprobs: Int = 10
    /// The digit walk: branches below this path probability are pruned.
    public var walkThreshold: Double = 0.005
    /// The digit walk's resolution: digits after the decimal point.
    public var walkDecimals: Int = 1
    /// Seconds one HTTP request may take (nil: the provider's default, 120 s for remote
    /// APIs, 600 s for the local server).
    public var timeout: Double? = nil
    /// Requests in flight at once (nil: the provider's default, 4 for remote APIs, 1 for the
    /// local server); a vLLM server or a paid API's rate limit takes many more.
    public var concurrency: Int? = nil
    /// LLM-PP's leave-one-out calibration of test answers and of the quality rows of a student
    /// that learned them (its labels stay as the LLM gave them: a constant shift does not
    /// change what the search ranks).
    public var calibration: LeaveOneOutCalibration.Method = .none

    public init(
        samples: Int = 1, decode: Decode = .greedy, temperature: Double? = nil, maxCorrections: Int = 2, seed: Int = 0,
        walkThreshold: Double = 0.005, walkDecimals: Int = 1
    ) {
        self.samples = samples
        self.decode = decode
        self.temperature = temperature
        self.maxCorrections = maxCorrections
        self.seed = seed
        self.walkThreshold = walkThreshold
        self.walkDecimals = walkDecimals
    }

    enum CodingKeys: String, CodingKey {
        case samples, decode, temperature, maxCorrections, seed, topLogprobs, walkThreshold, walkDecimals, timeout,
            concurrency, calibration
    }

    /// Settings saved by earlier versions lack the walk's fields: they take the defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? samples
        decode = try c.decodeIfPresent(Decode.self, forKey: .decode) ?? decode
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature)
        maxCorrections = try c.decodeIfPresent(Int.self, forKey: .maxCorrections) ?? maxCorrections
        seed = try c.decodeIfPresent(Int.self, forKey: .seed) ?? seed
        topLogprobs = try c.decodeIfPresent(Int.self, forKey: .topLogprobs) ?? topLogprobs
        walkThreshold = try c.decodeIfPresent(Double.self, forKey: .walkThreshold) ?? walkThreshold
        walkDecimals = try c.decodeIfPresent(Int.self, forKey: .walkDecimals) ?? walkDecimals
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout)
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency)
        calibration = try c.decodeIfPresent(LeaveOneOutCalibration.Method.self, forKey: .calibration) ?? calibration
    }

    var effectiveTemperature: Double { temperature ?? (samples > 1 ? 0.7 : 0) }

    /// A short description for outputs and headers, e.g. "distribution (digit walk)".
    public func decodeSummary(walking: Bool) -> String {
        let calibrated = calibration == .none ? "" : ", leave-one-out \(calibration.rawValue) calibration"
        switch decode {
        case .greedy: return (samples > 1 ? "greedy, median of \(samples) samples" : "greedy") + calibrated
        case .distribution:
            return (walking ? "distribution (digit walk, median)" : "distribution (\(samples) samples, median)")
                + calibrated
        }
    }
}

extension Optional {
    func orThrow(_ e: @autoclosure () -> Error) throws -> Wrapped {
        guard let v = self else { throw e() }
        return v
    }
}

public struct Prediction: Sendable, Equatable {
    /// Median of the samples' values; nil when every sample failed.
    public var value: Double?
    public var samples: [Double]
    /// Every attempt's id in the transcript store.
    public var callIDs: [Int64]
    /// Samples answered from the cache (paid for earlier).
    public var cachedSamples: Int
    public var error: String?
    /// A budget limit was reached: the caller should stop asking.
    public var budgetExhausted: Bool
    /// The failure says nothing about the architecture: the LLM stayed unreachable through
    /// the retries, or the transcript store could not be used. Ask again later.
    public var transient: Bool = false
    /// Stopped by this process (a quit shut the provider down under it): nothing was asked or
    /// recorded, and the caller pauses rather than fails.
    public var cancelled: Bool = false
    /// The answer's distribution (`--decode distribution`); `value` is its median.
    public var distribution: ScoreDistribution? = nil
    /// The answer before a leave-one-out calibration corrected `value` (nil: not calibrated).
    public var uncalibrated: Double? = nil

    /// Every sample came back from the cache: it took no time, so a rate leaves it out.
    public var answeredFromCache: Bool { error == nil && cachedSamples > 0 && cachedSamples >= samples.count }
}

/// Something to tell a watcher (the engine, a progress line) about calls.
public enum CallEvent: Sendable {
    case started(archID: String?, sample: Int, attempt: Int)
    case finished(CallRecord)
    case cacheHit(archID: String?, sample: Int, callID: Int64)
    /// A failed attempt waits before the next: a 429's Retry-After can be minutes, longer than
    /// the per-attempt timeout a waiting line names ("30 s (timeout 5 s per attempt)").
    case retrying(archID: String?, because: String)
}

/// LLM-PP: asks a provider for an architecture's score with the space's prompt, through the
/// transcript store's cache, with bounded corrections, retries with backoff, a concurrency
/// limit and a budget. A failed call is recorded and returned, never thrown.
public actor LLMPredictor {
    public let provider: any LLMProvider
    public let store: TranscriptStore
    public let run: String
    public let builder: PromptBuilder
    public let settings: PredictionSettings
    let parser: ResponseParser
    let retry: RetryPolicy
    let limiter: ConcurrencyLimiter
    let budget: Budget
    let pricing: Pricing
    let sleep: @Sendable (Double) async throws -> Void
    let redactor: SecretRedactor
    var jitter: SeededGenerator
    var onEvent: (@Sendable (CallEvent) -> Void)?

    public init(
        provider: any LLMProvider, store: TranscriptStore, run: String, builder: PromptBuilder,
        settings: PredictionSettings = .init(), retry: RetryPolicy = .init(), budget: Budget = Budget(),
        pricing: Pricing = .none,
        sleep: @escaping @Sendable (Double) async throws -> Void = {
            try await Task.sleep(nanoseconds: UInt64($0 * 1e9))
        }
    ) {
        self.provider = provider
        self.store = store
        self.run = run
        self.builder = builder
        self.settings = settings
        self.retry = retry
        self.budget = budget
        self.pricing = pricing
        self.sleep = sleep
        parser = ResponseParser(key: builder.metricKey, metric: builder.task.metric, range: builder.range)
        limiter = ConcurrencyLimiter(limit: provider.maxConcurrency)
        redactor = SecretRedactor(provider: provider)
        jitter = SeededGenerator(seed: UInt64(settings.seed) &+ 99)
    }

    public func setEventHandler(_ h: (@Sendable (CallEvent) -> Void)?) { onEvent = h }

    public func predict(_ test: Architecture, demonstrations: [(Architecture, Double)], purpose: String = "predict")
        async -> Prediction
    {
        let archID = builder.space.id(test)
        let messages: [ChatMessage]
        do { messages = try builder.messages(demonstrations: demonstrations, test: test) } catch {
            return Prediction(
                value: nil, samples: [], callIDs: [], cachedSamples: 0, error: "prompt: \(error)",
                budgetExhausted: false)
        }
        // Samples run concurrently; the limiter bounds what reaches the provider. A digit walk
        // is deterministic: one per architecture.
        let sampleCount = walking ? 1 : max(1, settings.samples)
        let results = await withTaskGroup(of: (Int, SampleResult).self) { group in
            for s in 0..<sampleCount {
                group.addTask { (s, await self.sample(s, messages: messages, archID: archID, purpose: purpose)) }
            }
            var out: [(Int, SampleResult)] = []
            for await r in group { out.append(r) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let values = results.compactMap(\.value)
        let distribution =
            walking
            ? results.first?.distribution
            : settings.decode == .distribution && values.count > 1 ? ScoreDistribution(samples: values) : nil
        return Prediction(
            value: values.isEmpty ? nil : Metrics.median(values), samples: values,
            callIDs: results.flatMap(\.callIDs), cachedSamples: results.filter(\.cached).count,
            error: values.isEmpty ? results.compactMap(\.error).first ?? "no answer" : nil,
            budgetExhausted: results.contains { $0.budgetExhausted },
            transient: values.isEmpty && results.contains { $0.transient },
            cancelled: values.isEmpty && results.contains { $0.cancelled }, distribution: distribution)
    }

    /// Whether every sample of this prediction is already in the transcript store (it would
    /// cost no call): for estimates of what a run has left to pay.
    public func isCached(_ test: Architecture, demonstrations: [(Architecture, Double)]) async -> Bool {
        guard let messages = try? builder.messages(demonstrations: demonstrations, test: test) else { return false }
        for s in 0..<(walking ? 1 : max(1, settings.samples)) {
            let key = CallKey.cacheKey(
                provider: provider.name, model: provider.model, request: request(messages: messages, sample: s),
                sampleIndex: s, scope: provider.cacheScope)
            guard (try? await store.cached(cacheKey: key)) ?? nil != nil else { return false }
        }
        return true
    }

    /// Whether answers are distributions walked digit by digit (else sampled, or greedy).
    public nonisolated var walking: Bool { settings.decode == .distribution && provider.supportsDistribution }

    /// The walk a distributional request asks for: the space's range, the JSON answer's prefix.
    public nonisolated var walkSettings: DigitWalkSettings {
        DigitWalkSettings(
            threshold: settings.walkThreshold, decimals: settings.walkDecimals, low: builder.range.lowerBound,
            high: builder.range.upperBound, answerPrefix: "{\"\(builder.metricKey)\": ")
    }

    struct SampleResult: Sendable {
        var value: Double?
        var callIDs: [Int64] = []
        var cached = false
        var error: String?
        var budgetExhausted = false
        var transient = false
        var cancelled = false
        var distribution: ScoreDistribution?
    }

    /// The request for one sample of a prompt, exactly as `predict` sends it.
    public nonisolated func request(messages: [ChatMessage], sample s: Int = 0) -> CompletionRequest {
        CompletionRequest(
            messages: messages, temperature: walking ? 0 : settings.effectiveTemperature,
            maxTokens: builder.template.settings.max_tokens ?? 24, jsonKey: builder.metricKey,
            seed: settings.seed + s, walk: walking ? walkSettings : nil)
    }

    /// One sample; what a server wrote reaches neither the store nor the caller with a key in it.
    func sample(_ s: Int, messages: [ChatMessage], archID: String, purpose: String) async -> SampleResult {
        var result = await attempts(s, messages: messages, archID: archID, purpose: purpose)
        result.error = result.error.map(redactor.redact)
        return result
    }

    private func attempts(_ s: Int, messages: [ChatMessage], archID: String, purpose: String) async -> SampleResult {
        var loop = AttemptLoop(request: request(messages: messages, sample: s))
        let key = CallKey.cacheKey(
            provider: provider.name, model: provider.model, request: loop.request, sampleIndex: s,
            scope: provider.cacheScope)
        if let stored = await cachedSample(key, sample: s, archID: archID) { return stored }
        var result = SampleResult()
        while true {
            loop.attempt += 1
            do { try await budget.reserveCall() } catch let e as LLMError {
                result.error = e.description
                result.budgetExhausted = true
                return result
            } catch { return result }
            onEvent?(.started(archID: archID, sample: s, attempt: loop.attempt))
            var record = CallRecord(
                run: run, provider: provider.name, model: provider.model,
                parameters: CallKey.parametersJSON(loop.request), messages: CallKey.messagesJSON(loop.request.messages),
                cacheKey: key, sampleIndex: s, attempt: loop.attempt, status: .error, latencyMs: 0,
                archID: archID, purpose: purpose)
            let next: AttemptLoop.Next
            switch await complete(loop.request, into: &record) {
            case .failure(.cancelled):
                // Stopped by us (a quit): no call was answered or failed, so none is recorded
                // (a quit during a call left a failed call the counters never counted).
                await budget.record(tokens: 0, cost: nil)
                result.error = LLMError.cancelled.description
                result.transient = true
                result.cancelled = true
                return result
            case .failure(let e): next = judgeFailure(e, &record, &result, &loop)
            case .success(let response): next = await judgeAnswer(response, &record, &result, &loop)
            }
            // Settled whatever the outcome: a failed call frees its claim too.
            await budget.record(tokens: (record.tokensIn ?? 0) + (record.tokensOut ?? 0), cost: record.costUSD)
            record = redactor.redact(record)
            do {
                record.id = try await store.insert(record)
                result.callIDs.append(record.id)
            } catch {
                // The store failing (disk full) must stop the caller, not lose the answer silently.
                result.error = "transcript store: \(error)"
                result.value = nil
                result.transient = true
                return result
            }
            onEvent?(.finished(record))
            switch next {
            case .done: return result
            case .again: continue
            case .retry(after: let delay, let because):
                onEvent?(.retrying(archID: archID, because: because))
                do { try await sleep(delay) } catch {
                    result.error = "cancelled"
                    result.transient = true
                    return result
                }
            }
        }
    }

    /// Where one sample stands between attempts.
    struct AttemptLoop {
        /// What the next attempt sends (corrections append to its messages).
        var request: CompletionRequest
        var attempt = 0
        var failures = 0
        var corrections = 0

        enum Next {
            case done
            /// A corrective follow-up, at once.
            case again
            /// The same request after a back-off, and why (what a waiting line says).
            case retry(after: Double, because: String)
        }
    }

    /// A sample answered before (this run or another, this process or an earlier one): its value,
    /// distribution and calls, from the store; nil when it must be asked. A store that cannot be
    /// read stops the sample as transient rather than paying for it again.
    private func cachedSample(_ key: String, sample s: Int, archID: String) async -> SampleResult? {
        do {
            guard let hit = try await store.cached(cacheKey: key) else { return nil }
            onEvent?(.cacheHit(archID: archID, sample: s, callID: hit.id))
            return SampleResult(
                value: hit.parsedValue, callIDs: try await store.attempts(cacheKey: key).map(\.id), cached: true,
                distribution: ScoreDistribution.fromJSONText(hit.distribution))
        } catch {
            return SampleResult(error: "transcript store: \(error)", transient: true)
        }
    }

    /// One request through the concurrency limiter, its latency recorded.
    private func complete(_ request: CompletionRequest, into record: inout CallRecord) async -> Result<
        CompletionResponse, LLMError
    > {
        await limiter.acquire()
        let t0 = Date()
        let outcome: Result<CompletionResponse, LLMError>
        do { outcome = .success(try await provider.complete(request)) } catch let e as LLMError {
            outcome = .failure(e)
        } catch {
            outcome = .failure(.transport("\(error)"))
        }
        await limiter.release()
        record.latencyMs = Date().timeIntervalSince(t0) * 1000
        return outcome
    }

    /// A failed request: retried after the policy's back-off while it allows, else the sample's
    /// error (transient where a retry could have helped, so a run pauses instead of failing).
    private func judgeFailure(
        _ e: LLMError, _ record: inout CallRecord, _ result: inout SampleResult, _ loop: inout AttemptLoop
    ) -> AttemptLoop.Next {
        record.status = .error
        record.error = e.description
        if case .http(_, let body, _) = e { record.rawResponse = body }
        loop.failures += 1
        // The delay is drawn before anything else, so the jitter's sequence does not depend on
        // what kind of failure came.
        let delay = retry.delay(after: loop.failures, error: e, jitter: jitter.unit())
        guard let delay else {
            result.error = e.description
            // Said, not left to guess: the call gave up because of the wait asked for.
            if case .http(429, _, let wait?) = e, wait > retry.maxRetryAfter {
                result.error =
                    e.description
                    + String(
                        format: " (the server asked to wait %.0f s; at most %.0f s is waited)", wait,
                        retry.maxRetryAfter)
                record.error = result.error
            }
            result.transient = e.isRetryable
            return .done
        }
        let because: String
        if case .http(429, _, let asked?) = e, asked > 0 {
            because = String(format: "the server asked to retry after %.0f s (HTTP 429)", asked)
        } else {
            because = String(format: "retrying in %.0f s after: %@", delay, String(e.description.prefix(80)))
        }
        return .retry(after: delay, because: because)
    }

    /// An answer: its tokens and cost counted; a usable number (a walk's median where there is a
    /// distribution) ends the sample; otherwise a corrective follow-up while corrections remain.
    private func judgeAnswer(
        _ response: CompletionResponse, _ record: inout CallRecord, _ result: inout SampleResult,
        _ loop: inout AttemptLoop
    ) async -> AttemptLoop.Next {
        record.responseText = response.text
        record.rawResponse = response.raw
        record.tokensIn = response.tokensIn
        record.tokensOut = response.tokensOut
        record.costUSD = pricing.cost(
            provider: provider.name, model: provider.model, tokensIn: response.tokensIn, tokensOut: response.tokensOut)
        switch parser.parse(response.text) {
        case .value(let v, _):
            var value = v
            if let d = response.distribution {
                value = min(max(d.median, builder.range.lowerBound), builder.range.upperBound)
                record.distribution = d.jsonText
                result.distribution = d
            }
            record.status = .ok
            record.parsedValue = value
            result.value = value
            return .done
        case .outOfRange(let v):
            record.status = .unparsed
            record.error = "\(v) is outside \(builder.range.lowerBound)...\(builder.range.upperBound)"
        case .missing(let why):
            record.status = .unparsed
            record.error = why
        }
        guard loop.corrections < settings.maxCorrections else {
            result.error =
                "no usable answer after \(loop.corrections) correction\(loop.corrections == 1 ? "" : "s"): \(record.error ?? "")"
            return .done
        }
        loop.corrections += 1
        loop.request.messages += [
            ChatMessage(.assistant, response.text), builder.correction(for: record.error ?? "no number"),
        ]
        return .again
    }
}
