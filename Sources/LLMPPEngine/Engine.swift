import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Where a run gets its parts: spaces, stores, the LLM and the expensive evaluator.
/// The defaults build the real ones; tests pass their own factories.
public struct EngineEnvironment: Sendable {
    public var catalog: SpaceCatalog
    public var dataDirectory: String
    public var makeProvider: @Sendable (RunConfig, String) async throws -> any LLMProvider
    public var makeEvaluator: @Sendable (RunConfig, SearchSpace, String) throws -> any ExpensiveEvaluator

    public init(catalog: SpaceCatalog, dataDirectory: String,
                makeProvider: (@Sendable (RunConfig, String) async throws -> any LLMProvider)? = nil,
                makeEvaluator: (@Sendable (RunConfig, SearchSpace, String) throws -> any ExpensiveEvaluator)? = nil) {
        self.catalog = catalog
        self.dataDirectory = dataDirectory
        self.makeProvider = makeProvider ?? { config, dataDir in
            try await ProviderFactory.make(name: config.provider, model: config.model, replayFile: config.replayFile,
                                           logDirectory: (dataDir as NSString).appendingPathComponent("logs"))
        }
        self.makeEvaluator = makeEvaluator ?? { config, space, dataDir in try Engine.builtinEvaluator(config, space, dataDir) }
    }

    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("llmpp.sqlite") }
    public var cacheDirectory: String { (dataDirectory as NSString).appendingPathComponent("cache") }
}

/// Runs LLM-PP evaluation, labelling + LLM-Distill-PP training and HS-NAS as a state machine
/// stepped in small units (a batch of LLM calls, a training chunk, a generation), persisting
/// after each, steerable between them, never blocking its callers.
public actor Engine {
    public nonisolated let runID: String
    public nonisolated let space: SearchSpace
    public private(set) var config: RunConfig
    public private(set) var state: RunState
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
    var loop: Task<Void, Never>?
    var stepping = false
    var queuedSteps = 0

    // MARK: creation and resume

    public static func create(config: RunConfig, environment env: EngineEnvironment, runID: String? = nil) async throws -> Engine {
        if let p = config.problem { throw EvaluatorError(p) }
        let id = runID ?? Engine.newRunID()
        let space = try env.catalog.load(config.space)
        let state = RunState(seed: config.seed)
        let engine = try await Engine(runID: id, space: space, config: config, state: state, env: env)
        // The phase is chosen before the first save: a run killed before its first unit must
        // not resume into a phase it was never asked for (the paid LLM-PP evaluation).
        await engine.enterFirstPhase()
        try await engine.runs.create(id: id, kind: "search", space: space.id, config: try Self.encode(config),
                                     state: try Self.encode(await engine.state))
        return engine
    }

    public static func resume(runID: String, environment env: EngineEnvironment) async throws -> Engine {
        let runs = try RunStore(path: env.databasePath)
        guard let row = try await runs.run(runID) else { throw EvaluatorError("no run '\(runID)' in \(env.databasePath)") }
        let config = try JSONDecoder().decode(RunConfig.self, from: Data(row.config.utf8))
        var state = try JSONDecoder().decode(RunState.self, from: Data(row.state.utf8))
        state.paused = false
        state.error = nil
        let space = try env.catalog.load(config.space)
        let engine = try await Engine(runID: runID, space: space, config: config, state: state, env: env)
        try await engine.restoreArtifacts()
        return engine
    }

    init(runID: String, space: SearchSpace, config: RunConfig, state: RunState, env: EngineEnvironment) async throws {
        self.runID = runID
        self.space = space
        self.config = config
        self.state = state
        self.env = env
        runs = try RunStore(path: env.databasePath)
        transcripts = try TranscriptStore(path: env.databasePath)
        evaluator = try env.makeEvaluator(config, space, env.dataDirectory)
        if config.constraint.latencyMs != nil || space.latency != nil {
            latency = try? LatencyModel.make(space: space, hardware: config.constraint.hardware, cacheDirectory: env.cacheDirectory)
            if config.constraint.latencyMs != nil && latency == nil {
                throw EvaluatorError("space '\(space.id)' has no latency for hardware '\(config.constraint.hardware ?? "default")'")
            }
        } else {
            latency = nil
        }
        // Demonstrations and test architectures of the chosen split. The prompt files are
        // read only when the run asks an LLM (a space without prompts can still be searched).
        let needsLLM = config.labels > 0 || config.evaluateLLM
        let template = needsLLM ? try PromptTemplate.load(space: space) : nil
        var demos: [(Architecture, Double)] = []
        var tests: [Int] = []
        if let l = space.labelled {
            let table = space.tables[l.table]
            if let sp = l.resolveSplit(config.splitSeed, rowCount: table.architectures.count) {
                if let template, let truth = l.truth[template.settings.demonstration_metric] {
                    demos = try sp.train.map { (table.architectures[$0], try space.evaluate(truth, table.architectures[$0], row: (l.table, $0))) }
                }
                tests = sp.test
            }
        }
        demonstrations = demos
        testRows = tests
        labelTargets = Self.labelTargets(space: space, config: config, exclude: Set(tests.map { space.id(space.tables[space.labelled!.table].architectures[$0]) }))
        if let template {
            guard !demos.isEmpty else { throw EvaluatorError("space '\(space.id)' has no demonstrations for split '\(config.splitSeed)'") }
            let p = try await env.makeProvider(config, env.dataDirectory)
            provider = p
            let pricing = (try? Pricing.load(dataDirectory: env.dataDirectory)) ?? .none
            predictor = LLMPredictor(provider: p, store: transcripts, run: runID,
                                     builder: PromptBuilder(space: space, template: template, options: config.prompt),
                                     settings: config.prediction,
                                     budget: Budget(.init(maxCalls: config.maxCalls, maxTokens: config.maxTokens, maxCostUSD: config.maxCostUSD)), pricing: pricing)
        } else {
            provider = nil
            predictor = nil
        }
        if let predictor {
            let weak = WeakEngine(self)
            await predictor.setEventHandler { e in Task { await weak.engine?.relay(e) } }
        }
    }

    /// The architectures to label: a seeded shuffle of the pool (or fresh samples), minus the test split.
    static func labelTargets(space: SearchSpace, config: RunConfig, exclude: Set<String>) -> [Architecture] {
        guard config.labels > 0 else { return [] }
        var rng = SeededGenerator(seed: (config.labelSeed ?? config.seed) &+ 0x1AB)
        let poolName = config.labelPool ?? space.pools.keys.sorted().first
        if let name = poolName, var pool = space.pool(name) {
            pool.shuffle(using: &rng)
            return Array(pool.filter { !exclude.contains(space.id($0)) }.prefix(config.labels))
        }
        var seen = exclude
        var out: [Architecture] = []
        var tries = 0
        while out.count < config.labels && tries < config.labels * 20 {
            tries += 1
            let a = space.shape.random(using: &rng)
            if seen.insert(space.id(a)).inserted { out.append(a) }
        }
        return out
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

    public static func builtinEvaluator(_ config: RunConfig, _ space: SearchSpace, _ dataDir: String) throws -> any ExpensiveEvaluator {
        if config.evaluator.kind == "external" {
            return ExternalEvaluator(command: config.evaluator.command ?? "", space: space, timeout: config.evaluator.timeout,
                                     logPath: (dataDir as NSString).appendingPathComponent("logs/evaluator.log"))
        }
        if space.cheapEvaluation != nil { return try TableEvaluator(space: space) }
        return try SurrogateEvaluator(space: space, baseline: config.evaluator.baseline)
    }

    func enterFirstPhase() {
        state.phase = config.evaluateLLM && !testRows.isEmpty ? .llmpp : (config.labels > 0 ? .labelling : .search)
    }

    func restoreArtifacts() async throws {
        labelValues = try await runs.labels(run: runID)
        expensiveScores = try await runs.expensive(run: runID)
        state.counters.expensiveEvaluations = expensiveScores.count
        if state.phase == .search || state.phase == .done, let blob = try await runs.blob(run: runID, name: "student") {
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

    // MARK: events

    public func events() -> AsyncStream<EngineEvent> {
        let id = UUID()
        let (stream, cont) = AsyncStream<EngineEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        subscribers[id] = cont
        cont.onTermination = { [weak self] _ in Task { await self?.unsubscribe(id) } }
        return stream
    }

    func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    func emit(_ e: EngineEvent) { for c in subscribers.values { c.yield(e) } }

    func relay(_ e: CallEvent) {
        switch e {
        case .started(let archID, _, _): emit(.callStarted(archID: archID))
        case .finished(let r):
            state.counters.llmCalls += 1
            state.counters.tokens += (r.tokensIn ?? 0) + (r.tokensOut ?? 0)
            state.counters.costUSD += r.costUSD ?? 0
            if r.status == .error { state.counters.failedCalls += 1 }
            emit(.callFinished(r))
        case .cacheHit: state.counters.cachedAnswers += 1
        }
    }

    public func snapshot() -> EngineSnapshot {
        EngineSnapshot(runID: runID, config: config, state: state, providerName: provider?.displayName ?? "none",
                       evaluatorName: evaluator.name, labelTarget: labelTargets.count, testCount: testRows.count,
                       running: loop != nil && !state.paused && !state.finished)
    }

    // MARK: control

    /// Runs units until the run finishes, is paused, or fails (then it pauses with the error).
    public func start() {
        guard loop == nil, !state.finished else { return }
        state.paused = false
        loop = Task { await self.runLoop() }
    }

    func runLoop() async {
        while !state.paused && !state.finished && !Task.isCancelled {
            await step()
        }
        loop = nil
    }

    /// Pauses after the unit in flight; the pause itself is saved before this returns.
    public func pause() async {
        guard !state.paused else { return }
        state.paused = true
        emit(.paused(true))
        await persist()
    }

    public func resume() {
        state.paused = false
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
    }

    /// Waits for the loop to stop (finished, paused or failed).
    public func wait() async -> RunState {
        while let l = loop { await l.value; if loop == l { break } }
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

    public func setSwitchPoint(_ k: Int) async {
        let v = max(0, min(config.evolution.iterations, k))
        guard v != config.switchAt else { return }
        if config.labels == 0 && v > 0 { emit(.error("no LLM-Distill-PP in this run (0 labels): the switch point stays 0")); return }
        config.switchAt = v
        await settingsChanged()
    }

    public func setConstraint(_ c: RunConfig.Constraint) async { config.constraint = c; await settingsChanged() }
    public func setMutationProbability(_ p: Double) async { config.evolution.mutationProbability = max(0, min(1, p)); await settingsChanged() }

    public func setPopulation(_ n: Int) async {
        let iters = config.evolution.iterations, p = config.evolution.mutationProbability
        var e = EvolutionConfig.scaled(population: max(5, n), iterations: iters)
        e.mutationProbability = p
        config.evolution = e
        await settingsChanged()
    }

    /// Saved before returning, so that a quit right after steering keeps the change.
    func settingsChanged() async {
        emit(.settingsChanged(config))
        do { try await runs.updateConfig(id: runID, config: Self.encode(config)) } catch {
            emit(.error("cannot save the settings: \(error)"))
        }
    }

    public func pin(_ arch: Architecture) {
        let id = space.id(arch)
        guard !state.pinned.contains(where: { space.id($0) == id }) else { return }
        state.pinned.append(arch)
        state.banned.removeAll { $0 == id }
    }

    public func unpin(_ id: String) { state.pinned.removeAll { space.id($0) == id } }

    public func ban(_ id: String) {
        guard !state.banned.contains(id) else { return }
        state.banned.append(id)
        state.pinned.removeAll { space.id($0) == id }
    }

    public func inject(_ arch: Architecture) throws {
        if let p = space.shape.validityProblem(arch) { throw EvaluatorError("not an architecture of \(space.id): \(p)") }
        state.injected.append(arch)
    }

    // MARK: stepping

    /// Runs one unit of the current phase. A step asked for while one runs is queued, not
    /// dropped: each keypress of `n` is one unit.
    public func step() async {
        if stepping { queuedSteps += 1; return }
        stepping = true
        defer { stepping = false }
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
            try await runs.save(id: runID, state: Self.encode(state), status: state.finished ? "done" : (state.error != nil ? "failed" : (state.paused ? "paused" : "running")),
                                generation: generation)
        } catch {
            state.error = "cannot save the run: \(error)"
            state.paused = true
            emit(.error(state.error!))
        }
    }

    func setPhase(_ p: Phase) {
        state.phase = p
        emit(.phaseChanged(p))
    }

    var batchSize: Int { max(1, min(8, provider?.maxConcurrency ?? 1)) }

    func stepLLMPP() async throws {
        guard let predictor, let l = space.labelled else { setPhase(config.labels > 0 ? .labelling : .search); return }
        let table = space.tables[l.table]
        let batch = Array(testRows.dropFirst(state.llmppDone).prefix(batchSize))
        let demos = demonstrations
        let results = await withTaskGroup(of: (Int, Prediction).self) { group in
            for r in batch { group.addTask { (r, await predictor.predict(table.architectures[r], demonstrations: demos, purpose: "llmpp")) } }
            var out: [(Int, Prediction)] = []
            for await x in group { out.append(x) }
            return out
        }
        try Self.stopIfUnavailable(results.map(\.1))
        for (r, p) in results {
            if let v = p.value { state.llmppPredictions[space.id(table.architectures[r])] = v }
        }
        state.llmppDone += batch.count
        emit(.llmppProgress(done: state.llmppDone, total: testRows.count))
        if state.llmppDone >= testRows.count { setPhase(config.labels > 0 ? .labelling : .search) }
    }

    func stepLabelling() async throws {
        guard let predictor else { throw EvaluatorError("no LLM for labelling") }
        let batch = Array(labelTargets.dropFirst(state.labelsDone).prefix(batchSize))
        let demos = demonstrations
        let results = await withTaskGroup(of: (Architecture, Prediction).self) { group in
            for a in batch { group.addTask { (a, await predictor.predict(a, demonstrations: demos, purpose: "label")) } }
            var out: [(Architecture, Prediction)] = []
            for await x in group { out.append(x) }
            return out
        }
        try Self.stopIfUnavailable(results.map(\.1))
        for (a, p) in results {
            let id = space.id(a)
            try await runs.saveLabel(run: runID, archID: id, value: p.value, callIDs: p.callIDs)
            labelValues[id] = p.value
            if p.value == nil { state.labelsFailed += 1 }
        }
        state.labelsDone += batch.count
        emit(.labelProgress(done: state.labelsDone, total: labelTargets.count, failed: state.labelsFailed))
        if state.labelsDone >= labelTargets.count {
            guard labelTargets.contains(where: { labelValues[space.id($0)] != nil && labelValues[space.id($0)]! != nil }) else {
                throw EvaluatorError("every label failed: the LLM gave no usable answer (see 'llmpp calls --run \(runID)')")
            }
            setPhase(.training)
        }
    }

    /// A batch with a budget stop or an unreachable LLM is not counted: the run pauses before
    /// the unit, and its answers already paid for come back from the cache on resume.
    static func stopIfUnavailable(_ results: [Prediction]) throws {
        if let stop = results.first(where: \.budgetExhausted) { throw EvaluatorError("LLM budget exhausted: \(stop.error ?? "")") }
        if let down = results.first(where: \.transient) {
            throw EvaluatorError("the LLM or the transcript store is unavailable (\(down.error ?? "no answer")): the run is paused at this unit; resume when it is back")
        }
    }

    func makeTrainer() -> StudentTrainer? {
        guard let fs = space.defaultFeatureSet else { return nil }
        var xs: [[Double]] = [], ys: [Double] = []
        for a in labelTargets {
            guard let v = labelValues[space.id(a)] ?? nil, let f = try? space.features(a, set: fs) else { continue }
            xs.append(f); ys.append(v)
        }
        guard !xs.isEmpty else { return nil }
        return StudentTrainer(featureSet: fs, features: xs, labels: ys, config: config.training)
    }

    func stepTraining() async throws {
        let cachePath = studentCachePath()
        if trainer == nil && state.trainingStep == 0, let path = cachePath, let data = FileManager.default.contents(atPath: path),
           let cached = try? StudentModel(serialized: data) {
            // The same labels and settings were trained before (another seed or mode of a study).
            try await finishTraining(cached, data: data, cachePath: nil)
            emit(.trainingLoss(step: config.training.steps, total: config.training.steps, loss: .nan))
            return
        }
        if trainer == nil { trainer = makeTrainer() }
        guard var t = trainer else { throw EvaluatorError("no usable labels to train LLM-Distill-PP on") }
        let loss = try t.trainChecked(steps: config.trainingChunk)
        trainer = t
        state.trainingStep = t.step
        state.lossCurve.append(loss)
        try await runs.saveBlob(run: runID, name: "trainer", data: try t.checkpoint())
        emit(.trainingLoss(step: t.step, total: config.training.steps, loss: loss))
        if t.finished { try await finishTraining(t.model, data: try t.model.serialized(), cachePath: cachePath) }
    }

    func finishTraining(_ model: StudentModel, data: Data, cachePath: String?) async throws {
        try await runs.saveBlob(run: runID, name: "student", data: data)
        if let cachePath {
            // Best effort: a cache that cannot be written costs a retraining later, nothing else.
            try? FileManager.default.createDirectory(atPath: (cachePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let tmp = cachePath + ".tmp-\(runID)"
            if FileManager.default.createFile(atPath: tmp, contents: data), rename(tmp, cachePath) != 0 { try? FileManager.default.removeItem(atPath: tmp) }
        }
        state.trainingStep = config.training.steps
        student = model
        setPhase(.search)
    }

    /// Where a student trained on this run's labels with its settings is kept across runs.
    func studentCachePath() -> String? {
        guard let fs = space.defaultFeatureSet else { return nil }
        var ids: [String] = [], ys: [Double] = []
        for id in labelTargets.map({ space.id($0) }) {
            guard let v = labelValues[id] ?? nil else { continue }
            ids.append(id); ys.append(v)
        }
        guard !ids.isEmpty else { return nil }
        let key = StudentModel.cacheKey(featureSet: fs, ids: ids, labels: ys, config: config.training)
        return (env.cacheDirectory as NSString).appendingPathComponent("students/\(space.id)-\(key).student")
    }

    /// The constraint and bans as of now, as a batch test the evolution calls synchronously.
    func feasibilityTest() -> ([Architecture]) -> [Bool] {
        let banned = Set(state.banned), constraint = config.constraint, latency = self.latency, space = self.space
        return { archs in
            var ok = archs.map { !banned.contains(space.id($0)) }
            if let g = constraint.gflops {
                for (i, a) in archs.enumerated() where ok[i] { ok[i] = ((try? space.flops(a)) ?? .infinity) / 1e9 <= g }
            }
            if let limit = constraint.latencyMs {
                let lat = (try? latency?.latencyMs(archs)) ?? nil
                for i in archs.indices where ok[i] { ok[i] = lat.map { $0[i] <= limit } ?? false }
            }
            return ok
        }
    }

    func stepSearch() async throws {
        let e = config.evolution
        let evo = Evolution(shape: space.shape, config: e, areFeasible: feasibilityTest())
        if state.generation == 0 && state.population.isEmpty {
            var rng = state.rng
            let extra = state.pinned + state.injected
            state.population = extra + (try evo.randomPopulation(max(0, e.population - extra.count), using: &rng))
            state.injected = []
            state.rng = rng
        }
        let g = state.generation
        let source: ScoreSource = g < config.switchAt ? .distill : .expensive
        if source == .expensive && state.switchReachedAt == nil && config.switchAt > 0 {
            state.switchReachedAt = g
            emit(.switchReached(generation: g))
        }
        // Unique architectures of the population, pinned ones always in.
        var seen = Set<String>()
        var pop: [Architecture] = []
        for a in state.pinned + state.population where seen.insert(space.id(a)).inserted && !state.banned.contains(space.id(a)) { pop.append(a) }
        var distill: [Double]? = nil
        if let student { distill = try student.predict(pop, in: space); state.counters.distillEvaluations += pop.count }
        var scores: [Double]
        switch source {
        case .distill:
            guard let d = distill else { throw EvaluatorError("no LLM-Distill-PP student to score with") }
            scores = d
        case .expensive:
            let missing = pop.filter { expensiveScores[space.id($0)] == nil }
            if !missing.isEmpty {
                let got = try await evaluator.evaluate(missing)
                guard got.count == missing.count else { throw EvaluatorError("the evaluator returned \(got.count) scores for \(missing.count)") }
                let pairs = zip(missing, got).map { (space.id($0), $1) }
                try await runs.saveExpensive(run: runID, scores: pairs)
                for (id, s) in pairs { expensiveScores[id] = s }
                // Counted from what was paid and stored: a kill between the evaluation and the
                // state's save must not hide evaluations already done.
                state.counters.expensiveEvaluations = expensiveScores.count
            }
            scores = pop.map { expensiveScores[space.id($0)]! }
        }
        let truthExpr = space.labelled.flatMap { $0.truth["valid"] ?? $0.truth.values.first }
        let pinnedIDs = Set(state.pinned.map(space.id))
        var cands: [Candidate] = []
        for (i, a) in pop.enumerated() {
            let id = space.id(a)
            cands.append(Candidate(arch: a, id: id, generation: g, score: scores[i], source: source, distill: distill?[i],
                                   expensive: expensiveScores[id], truth: try truthExpr.flatMap { try space.lookup($0, a) },
                                   latencyMs: try? latency?.latencyMs(a), gflops: try space.flops(a) / 1e9, params: try space.params(a),
                                   pinned: pinnedIDs.contains(id)))
        }
        cands.sort { $0.score > $1.score || ($0.score == $1.score && $0.id < $1.id) }
        let pareto = paretoFront(cands, score: \.score, latency: { $0.latencyMs ?? $0.gflops })
        let popJSON = try Self.encode(cands)
        let last = g + 1 >= e.iterations
        // The next population is built before any state changes, so that a failure here (an
        // impossible constraint) leaves the run exactly as it was, to retry after steering.
        var rng = state.rng
        var next: [Architecture] = []
        if !last {
            // Parents that a tightened constraint or a ban rules out are dropped (pinned ones stay);
            // with none left, the search restarts from random feasible architectures.
            let feasible = feasibilityTest()
            let keep = feasible(cands.map(\.arch))
            let parents = Array(cands.indices.filter { cands[$0].pinned || keep[$0] }.prefix(e.parents).map { cands[$0].arch })
            next = parents.isEmpty ? try evo.randomPopulation(e.population, using: &rng) : try evo.nextPopulation(parents: parents, using: &rng)
            if !state.injected.isEmpty {
                next = Array(next.prefix(max(0, next.count - state.injected.count))) + state.injected
            }
        }
        state.lastGeneration = cands
        state.best = cands.first
        state.generation = g + 1
        state.rng = rng
        emit(.generationDone(generation: g, source: source, population: cands, pareto: pareto))
        if last {
            state.finished = true
            state.population = []
            setPhase(.done)
            await persist(generation: (g, popJSON))
            emit(.finished(best: state.best))
            return
        }
        state.injected = []
        state.population = next
        await persist(generation: (g, popJSON))
    }

}

final class WeakEngine: @unchecked Sendable {
    weak var engine: Engine?
    init(_ e: Engine) { engine = e }
}
