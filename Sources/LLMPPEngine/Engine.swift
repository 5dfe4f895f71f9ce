import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Runs LLM-PP evaluation, labelling + LLM-Distill-PP training and HS-NAS as a state machine
/// stepped in small units (a batch of LLM calls, a training chunk, a generation), persisting
/// after each, steerable between them, never blocking its callers.
public actor Engine {
    public nonisolated let runID: String
    public nonisolated let space: SearchSpace
    public internal(set) var config: RunConfig
    public internal(set) var state: RunState
    let env: EngineEnvironment
    let runs: RunStore
    let transcripts: TranscriptStore
    let provider: (any LLMProvider)?
    let predictor: LLMPredictor?
    let evaluator: any ExpensiveEvaluator
    let latency: LatencyModel?
    let demonstrations: [(Architecture, Double)]
    let testRows: [Int]
    let labelTargets: [Architecture]
    var labelValues: [String: Double?] = [:]
    var expensiveScores: [String: Double] = [:]
    var trainer: StudentTrainer?
    var student: StudentModel?
    var subscribers: [UUID: AsyncStream<EngineEvent>.Continuation] = [:]
    var snapshotWatchers: [UUID: AsyncStream<EngineSnapshot>.Continuation] = [:]
    /// Generations, calls and quality kept for watchers (see `WatchedView`).
    var watched = WatchedView()
    /// Held while this engine exists: no second process steps the same run.
    let lock: RunLock
    var loop: Task<Void, Never>?
    var stepping = false
    var queuedSteps = 0
    /// Who waits for the step in flight to end (the run loop, resumed during a step of `n`).
    var stepWaiters: [CheckedContinuation<Void, Never>] = []
    /// The slow thing in flight, if any (see `Waiting`).
    var waitingOn: Waiting?
    /// What the provider says it is doing (starting its server, a long first prompt).
    let providerActivity = LatestActivity()
    /// Answers this process took from the cache, by phase: they took no time, so the rates
    /// watchers show leave them out.
    var answersFromCache: [Phase: Int] = [:]

    // MARK: creation and resume

    public static func create(config: RunConfig, environment env: EngineEnvironment, runID: String? = nil) async throws
        -> Engine
    {
        if let p = config.problem { throw EngineError.refused(p) }
        let id = runID ?? Engine.newRunID()
        let space = try env.catalog.load(config.space)
        let state = RunState(seed: config.seed)
        let engine = try await Engine(runID: id, space: space, config: config, state: state, env: env)
        // The phase is chosen before the first save: a run killed before its first unit must
        // not resume into a phase it was never asked for (the paid LLM-PP evaluation).
        await engine.enterFirstPhase()
        try await engine.runs.create(
            id: id, kind: "search", space: space.id, config: try Self.encode(config),
            state: try Self.encode(await engine.state))
        return engine
    }

    /// Continues a saved run; `amend` changes its limits and pace (saved with it), nothing else.
    public static func resume(runID: String, environment env: EngineEnvironment, amend: RunAmendments = .init())
        async throws -> Engine
    {
        // A missing database is an error, never created: there is nothing to resume in it.
        let runs = try RunStore(path: env.databasePath, create: false)
        let row = try await savedRun(runID, in: runs, environment: env)
        var config = try decodeRow(RunConfig.self, row.config, what: "configuration", runID: runID, env: env)
        var state = try decodeRow(RunState.self, row.state, what: "state", runID: runID, env: env)
        if let p = state.problem {
            throw EngineError.damagedRun(
                id: runID, database: env.databasePath, what: "state", problem: "is damaged: \(p)")
        }
        if !amend.isEmpty {
            if let p = amend.problem(config) { throw EngineError.refused(p) }
            amend.apply(to: &config)
            // Only what was amended is judged: a saved run resumes as it was created.
            if let p = config.problem { throw EngineError.refused(p) }
        }
        state.paused = false
        state.error = nil
        let space = try env.catalog.load(config.space)
        let engine = try await Engine(runID: runID, space: space, config: config, state: state, env: env)
        if !amend.isEmpty { try await runs.updateConfig(id: runID, config: Self.encode(config)) }
        try await engine.restoreArtifacts()
        return engine
    }

    /// The saved row of `runID`, or `EngineError.noSuchRun`. The CLI asks first too, before it
    /// judges the flags given with `--resume` against a run that may not be there.
    public static func savedRun(_ runID: String, in runs: RunStore, environment env: EngineEnvironment)
        async throws -> RunStore.RunRow
    {
        guard let row = try await runs.run(runID) else {
            throw EngineError.noSuchRun(id: runID, database: env.databasePath)
        }
        return row
    }

    /// A saved row that does not decode names its run and file, not a decoding trace.
    static func decodeRow<T: Decodable>(
        _ type: T.Type, _ json: String, what: String, runID: String, env: EngineEnvironment
    ) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(json.utf8)) } catch {
            throw EngineError.damagedRun(
                id: runID, database: env.databasePath, what: what,
                problem: "cannot be read (the row is corrupted or from a newer llmpp): \(Self.describe(error))")
        }
    }

    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        switch e {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at '\(path)': ") + c.debugDescription
        @unknown default: return "\(e)"
        }
    }

    init(runID: String, space: SearchSpace, config: RunConfig, state: RunState, env: EngineEnvironment) async throws {
        lock = try RunLock(runID: runID, dataDirectory: env.dataDirectory)
        self.runID = runID
        self.space = space
        self.config = config
        self.state = state
        self.env = env
        runs = try RunStore(path: env.databasePath)
        transcripts = try TranscriptStore(path: env.databasePath)
        evaluator = try env.makeEvaluator(config, space, env.dataDirectory)
        latency = try Self.latencyModel(space: space, config: config, dataDirectory: env.dataDirectory)
        // Demonstrations and test architectures of the chosen split. The prompt files are
        // read only when the run asks an LLM (a space without prompts can still be searched).
        let needsLLM = config.labels > 0 || config.evaluateLLM
        let template = needsLLM ? try PromptTemplate.load(space: space) : nil
        let plan = try RunPlan(
            space: space, config: config, demonstrationMetric: template?.settings.demonstration_metric)
        demonstrations = plan.demonstrations
        testRows = plan.testRows
        labelTargets = plan.labelTargets
        if let template {
            guard !plan.demonstrations.isEmpty else {
                throw EngineError.refused("space '\(space.id)' has no demonstrations for split '\(config.splitSeed)'")
            }
            let p = try await env.makeProvider(config, env.dataDirectory)
            provider = p
            predictor = LLMPredictor(
                provider: p, store: transcripts, run: runID,
                builder: PromptBuilder(space: space, template: template, options: config.prompt),
                settings: config.prediction,
                budget: Budget(Self.remainingBudget(config: config, spent: state.counters)),
                pricing: (try? Pricing.load(dataDirectory: env.dataDirectory)) ?? .none)
        } else {
            provider = nil
            predictor = nil
        }
        await relayLLMActivity()
    }

    /// The latency model a constraint is judged by. A constraint needs its device: say exactly
    /// what is missing (a saved device's file, a hardware name) rather than a generic refusal;
    /// without a constraint, a space's latency data still gives the candidates their latency.
    static func latencyModel(space: SearchSpace, config: RunConfig, dataDirectory: String) throws -> LatencyModel? {
        guard config.constraint.latencyMs != nil else {
            // A device named without a limit gives the candidates' latency on it: a mistyped
            // name ran the whole search with no latency at all, exit 0.
            if let named = config.constraint.hardware {
                do {
                    return try LatencyModel.make(space: space, hardware: named, dataDirectory: dataDirectory)
                } catch { throw EngineError.refused("\(error)") }
            }
            guard space.latency != nil else { return nil }
            return try? LatencyModel.make(space: space, hardware: nil, dataDirectory: dataDirectory)
        }
        if space.latency == nil && config.constraint.hardware == nil {
            throw EngineError.refused(RunConfig.noLatencyData(space))
        }
        do {
            return try LatencyModel.make(
                space: space, hardware: config.constraint.hardware, dataDirectory: dataDirectory)
        } catch {
            throw EngineError.refused("\(error)")
        }
    }

    /// The provider's activity and the predictor's call events reach the run's listeners. The
    /// newest activity is kept in the box at once; the engine publishes it when it gets to it
    /// (tasks may run out of order, the box cannot).
    private func relayLLMActivity() async {
        if let provider {
            let box = providerActivity
            let weak = WeakEngine(self)
            provider.onActivity { a in
                box.set(a)
                Task { await weak.engine?.publish() }
            }
        }
        if let predictor {
            let weak = WeakEngine(self)
            await predictor.setEventHandler { e in Task { await weak.engine?.relay(e) } }
        }
    }

    /// The run's budget less what it has already spent: limits hold across resumes (each
    /// process used to get the whole budget again).
    static func remainingBudget(config: RunConfig, spent: Counters) -> Budget.Limits {
        Budget.Limits(
            maxCalls: config.maxCalls.map { max(0, $0 - spent.llmCalls) },
            maxTokens: config.maxTokens.map { max(0, $0 - spent.tokens) },
            maxCostUSD: config.maxCostUSD.map { max(0, $0 - spent.costUSD) })
    }

    static func newRunID() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        var g = SystemRandomNumberGenerator()
        return "search-\(f.string(from: Date()))-\(String(g.next() & 0xffff, radix: 16))"
    }

    static func encode<T: Encodable>(_ v: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(v), as: UTF8.self)
    }

    public static func builtinEvaluator(_ config: RunConfig, _ space: SearchSpace, _ dataDir: String) throws
        -> any ExpensiveEvaluator
    {
        if config.evaluator.kind == "external" {
            return ExternalEvaluator(
                command: config.evaluator.command ?? "", space: space, timeout: config.evaluator.timeout,
                logPath: (dataDir as NSString).appendingPathComponent("logs/evaluator.log"))
        }
        if space.cheapEvaluation != nil { return try TableEvaluator(space: space) }
        guard let l = space.labelled, !l.baselines.isEmpty else {
            let why =
                "space '\(space.id)' has no built-in expensive evaluator (no cheap_evaluation table, no baseline predictions to fit a surrogate to): use --evaluator external --evaluator-cmd CMD"
            // A distill-only search never calls it; moving the switch later pauses with the reason.
            if config.switchAt >= config.evolution.iterations { return UnavailableEvaluator(reason: why) }
            throw EngineError.refused(
                why + ", or --switch-at \(config.evolution.iterations) (= --iterations) for a distill-only search")
        }
        return try SurrogateEvaluator(space: space, baseline: config.evaluator.baseline)
    }

    func enterFirstPhase() {
        state.phase = config.evaluateLLM && !testRows.isEmpty ? .llmpp : (config.labels > 0 ? .labelling : .search)
        state.startedAt = Date().timeIntervalSince1970
        // Anytime: the warm-up labels come from the pool; the rest are chosen as the search runs.
        if let a = config.anytime { state.anytimeTargets = Array(labelTargets.prefix(a.warmupLabels)) }
    }

    /// A resumed run's newest calls: its own and those its labels were answered from (a run
    /// answered from the cache owns none, and listed nothing after a resume).
    func resumedCalls() async -> [CallRecord] {
        let own = (try? await transcripts.calls(run: runID, limit: WatchedView.maxCalls)) ?? []
        let ownIDs = Set(own.map(\.id))
        let reused = Set((try? await runs.labelCallIDs(run: runID)) ?? []).subtracting(ownIDs)
        let newest = Array(reused.sorted(by: >).prefix(WatchedView.maxCalls))
        let borrowed = (try? await transcripts.calls(ids: newest)) ?? []
        return Array((own + borrowed).sorted { $0.id > $1.id }.prefix(WatchedView.maxCalls))
    }

    /// The run's saved generations, oldest first, the newest `WatchedView.maxGenerations`;
    /// the state's last generation where none can be read.
    func savedGenerations() async -> [[Candidate]] {
        let saved = (try? await storedGenerations(newest: WatchedView.maxGenerations)) ?? []
        return saved.isEmpty ? [state.lastGeneration] : saved.map(\.population)
    }

    /// The run's stored generations, oldest first, decoded; only the newest `newest` where given.
    public func storedGenerations(newest: Int? = nil) async throws -> [(index: Int, population: [Candidate])] {
        try await runs.generations(run: runID, newest: newest).map { row in
            (row.0, try JSONDecoder().decode([Candidate].self, from: Data(row.1.utf8)))
        }
    }

    func restoreArtifacts() async throws {
        labelValues = try await runs.labels(run: runID)
        // A resumed run shows where it was: its generations (the plot showed only the last
        // one, and its colours by generation meant nothing) and its newest calls.
        watched = WatchedView(generations: await savedGenerations(), calls: await resumedCalls())
        expensiveScores = try await runs.expensive(run: runID)
        state.counters.expensiveEvaluations = expensiveScores.count
        let studentBlob =
            config.anytime != nil && state.studentLabels != nil ? Self.studentVersion(state.studentLabels!) : "student"
        if state.phase == .search || state.phase == .done, let blob = try await runs.blob(run: runID, name: studentBlob)
        {
            student = try StudentModel(serialized: blob)
        } else if state.phase == .training || state.phase == .search || state.phase == .done, config.labels > 0 {
            var t = makeTrainer()
            if let blob = try await runs.blob(run: runID, name: "trainer"), state.trainingStep > 0 {
                try t?.restore(blob)
            }
            trainer = t
            if state.phase != .training, let t { student = t.model }
        }
    }

    // MARK: control

    /// Runs units until the run finishes, is paused, or fails (then it pauses with the error).
    public func start() {
        guard loop == nil, !state.finished else { return }
        state.paused = false
        state.pausedByUser = nil
        loop = Task { await self.runLoop() }
    }

    func runLoop() async {
        while !state.paused && !state.finished && !Task.isCancelled {
            // A step of `n` may still run when the run is resumed: the loop waits for it. It
            // called step() again, which returned at once, and so held the actor in a spin
            // that the step's own continuation, steering and a quit could never get into.
            if stepping { await stepEnded() } else { await step() }
        }
        loop = nil
    }

    /// Returns once the step in flight has ended.
    func stepEnded() async {
        await withCheckedContinuation { stepWaiters.append($0) }
    }

    /// Pauses after the unit in flight; the pause itself is saved before this returns.
    /// `byUser`: a pause the user asked for (kept across a resume in the explorer), not the
    /// one a quit or a failure makes.
    public func pause(byUser: Bool = false) async {
        if byUser { state.pausedByUser = true }
        guard !state.paused else {
            if byUser { await persist() }
            return
        }
        state.paused = true
        emit(.paused(true))
        await persist()
    }

    public func resume() {
        state.paused = false
        state.pausedByUser = nil
        state.error = nil
        emit(.paused(false))
        start()
    }

    /// Stops the run; it stays resumable from its last completed unit.
    public func cancel() async {
        state.paused = true
        loop?.cancel()
        await persist()
        await provider?.shutdown()
        for c in subscribers.values { c.finish() }
        subscribers.removeAll()
        for c in snapshotWatchers.values { c.finish() }
        snapshotWatchers.removeAll()
    }

    /// Waits for the loop to stop (finished, paused or failed).
    public func wait() async -> RunState {
        while let l = loop {
            await l.value
            if loop == l { break }
        }
        return state
    }

    public func shutdown() async { await provider?.shutdown() }

    /// Runs to the end (finished, paused or failed) without a user, `listen` reading the
    /// events meanwhile, then releases the provider. Headless commands and studies use it.
    public func runToEnd(listen: @escaping @Sendable (AsyncStream<EngineEvent>) async -> Void) async -> RunState {
        let stream = events()
        let listener = Task { await listen(stream) }
        start()
        let state = await wait()
        await shutdown()
        listener.cancel()
        return state
    }

    // MARK: stepping

    /// Runs one unit of the current phase. A step asked for while one runs is queued, not
    /// dropped: each keypress of `n` is one unit.
    public func step() async {
        if stepping {
            queuedSteps += 1
            return
        }
        stepping = true
        defer {
            stepping = false
            for w in stepWaiters { w.resume() }
            stepWaiters.removeAll()
            // Watchers learn that no unit is in flight (a paused run's header then reads PAUSED).
            publish()
        }
        while !state.finished {
            await stepOnce()
            guard queuedSteps > 0 else { break }
            queuedSteps -= 1
        }
    }

    func stepOnce() async {
        do {
            switch state.phase {
            case .llmpp: try await stepLLMPP()
            case .labelling: try await stepLabelling()
            case .training: try await stepTraining()
            case .search: try await stepSearch()
            case .done: state.finished = true
            }
        } catch is CancellationError {
            // Stopped by us (a quit, a cancel): the unit is not counted and the run is paused,
            // not failed; its answers already paid for come back from the cache.
            queuedSteps = 0
            if !state.paused {
                state.paused = true
                emit(.paused(true))
            }
        } catch {
            queuedSteps = 0
            state.error = "\(error)"
            state.paused = true
            emit(.error("\(error)"))
            emit(.paused(true))
        }
        await persist()
    }

    func persist(generation: (Int, String)? = nil) async {
        do {
            try await runs.save(
                id: runID, state: Self.encode(state),
                status: state.finished
                    ? "done" : (state.error != nil ? "failed" : (state.paused ? "paused" : "running")),
                generation: generation)
        } catch {
            state.error = "cannot save the run: \(error)"
            state.paused = true
            emit(.error(state.error!))
        }
        publish()
    }

    func setPhase(_ p: Phase) {
        state.phase = p
        emit(.phaseChanged(p))
    }

    /// As many calls as the provider takes at once: the labelling and LLM-PP steps await a
    /// whole batch, so a smaller batch would leave a vLLM server's slots idle.
    var batchSize: Int { max(1, min(256, provider?.maxConcurrency ?? 1)) }

    /// The architectures to label, in order: the plan's, or the anytime schedule's, grown as
    /// the search visits architectures.
    var targets: [Architecture] { state.anytimeTargets ?? labelTargets }

    /// The label budget shown as the labelling phase's total.
    var labelTarget: Int { labelTargets.count }
    /// The labels this run will ask for (see `RunConfig.labelGoal`).
    var labelGoal: Int { config.labelGoal(poolTargets: labelTarget) }

}

final class WeakEngine: @unchecked Sendable {
    weak var engine: Engine?
    init(_ e: Engine) { engine = e }
}
