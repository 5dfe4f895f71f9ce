import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPLLM
import LLMPPStore
import LLMPPTUI

/// Speed measured side by side in one run, printed as ratios against a reference where
/// there is one (NumPy for training, llama-server driven directly by curl for the LLM path).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Benchmarks with their targets: student training vs NumPy, a whole HS-NAS search, the LLM client vs llama-server driven directly, rendering, the transcript store."
    )

    @OptionGroup var common: CommonOptions
    @Flag(help: "Fewer steps and rows (a quick look, not the targets' conditions).") var quick = false
    @Flag(help: "Print JSON.") var json = false
    @Option(
        name: .customLong("llm-prompts"),
        help: "Interleaved pairs of the LLM benchmarks (0 skips them; they need the local server from scripts/setup).")
    var llmPrompts: Int = 10
    @Option(
        help:
            "Interleaved pairs (A B, B A, ...) of the training benchmark, and runs of the search benchmark (at least 5)."
    )
    var pairs: Int = 5
    @Option(
        help:
            "Sections: all, or a list of training, search, llm, startup, render, store (startup runs the explorer's default run headless, with the local LLM: minutes)."
    )
    var only: String = "all"

    static let sections = ["training", "search", "llm", "startup", "render", "store"]

    struct Result {
        var name: String, ours: Double, reference: Double?, unit: String, target: String, met: Bool?
        /// The median of interleaved pairs' ratios, where the benchmark ran in pairs.
        var pairRatio: Double? = nil
        var ratio: Double? { pairRatio ?? reference.map { ours / $0 } }
    }

    func validate() throws {
        for s in onlyList where s != "all" && !Self.sections.contains(s) {
            throw ValidationError("unknown section '\(s)' (use all or \(Self.sections.joined(separator: ", ")))")
        }
        guard pairs >= 5 else {
            throw ValidationError("--pairs must be at least 5 (a median of fewer pairs says little)")
        }
    }

    var onlyList: [String] { only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    func wants(_ s: String) -> Bool {
        onlyList.contains("all") ? s != "startup" || llmPrompts > 0 : onlyList.contains(s)
    }

    func run() async throws {
        var results: [Result] = []
        if wants("training") { results.append(try await trainingBench()) }
        if wants("search") { results.append(try searchBench()) }
        if wants("llm") && llmPrompts > 0 { results += await llmBenches() }
        if wants("startup") { results += await startupBench() }
        if wants("render") { results += renderBench() }
        if wants("store") { results += try await storeBench() }
        if json {
            print(
                JSONValue.object([
                    (
                        "benchmarks",
                        .array(
                            results.map { r in
                                .object([
                                    ("name", .string(r.name)), ("ours", .number(r.ours)),
                                    ("reference", .number(r.reference)), ("unit", .string(r.unit)),
                                    ("ratio", .number(r.ratio)), ("target", .string(r.target)),
                                    ("met", r.met.map { .bool($0) } ?? .null),
                                ])
                            })
                    ),
                    ("blas_core", .string(BLASCore.current)),
                ]).rendered(pretty: true))
            return
        }
        var t = TextTable(header: ["benchmark", "ours", "reference", "unit", "ratio", "target", "met"])
        for r in results {
            t.rows.append([
                r.name, fmt(r.ours, 3), fmt(r.reference, 3), r.unit, fmt(r.ratio, 3), r.target,
                r.met.map { $0 ? "yes" : "NO" } ?? "-",
            ])
        }
        print(t.render())
        print(BLASCoreChoice.description)
    }

    /// The student with the paper's configuration, ours vs the same network in NumPy, in
    /// interleaved pairs (the order alternating) so that a machine that slows down or speeds up
    /// mid-run moves both sides; the median of the pairs' ratios is the figure.
    func trainingBench() async throws -> Result {
        let steps = quick ? 500 : 5000
        var rng = SeededGenerator(seed: 0)
        let xs = (0..<3000).map { _ in (0..<10).map { _ in rng.unit() } }
        let ys = xs.map { sin(3 * $0[0]) + $0[1] * $0[2] - 0.5 * $0[3] }
        let script = ((try common.catalog().directory as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("scripts/bench/mlp_numpy.py")
        func native() -> (Double, Double?) {
            var tr = MLPTrainer<Float>(inputs: xs, targets: ys, config: TrainingConfig(steps: steps))
            let t0 = Date()
            tr.train(steps: steps)
            return (Date().timeIntervalSince(t0), tr.losses.last)
        }
        StandardError.line("bench: student training, ours vs NumPy, \(pairs) interleaved pairs of \(steps) steps...")
        var refNote = "reference unavailable"
        var lastLoss: Double? = nil
        let pairsDone = await InterleavedPairs.run(
            pairs,
            a: { _ in
                let (o, loss) = native()
                lastLoss = loss
                return o
            },
            b: { _ in numpyTraining(script: script, steps: steps, note: &refNote) })
        StandardError.line("bench: native final loss \(fmt(lastLoss, 4)); \(refNote)")
        guard !pairsDone.a.isEmpty else {
            let (o, _) = native()
            return Result(
                name: "student training \(steps) steps (NumPy unavailable)", ours: o, reference: nil, unit: "s",
                target: "ratio <= 0.5", met: nil)
        }
        let ratios = pairsDone.ratios
        let median = Metrics.median(ratios)
        return Result(
            name:
                "student training \(steps) steps vs NumPy (median of \(ratios.count) pairs; ratios \(fmt(ratios.min(), 2))-\(fmt(ratios.max(), 2)))",
            ours: Metrics.median(pairsDone.a), reference: Metrics.median(pairsDone.b), unit: "s",
            target: "ratio <= 0.5", met: median <= 0.5, pairRatio: median)
    }

    /// Seconds of the NumPy reference for `steps` steps, nil when it cannot run.
    func numpyTraining(script: String, steps: Int, note: inout String) -> Double? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, String(steps)]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let s = obj["seconds"] as? Double
        else { return nil }
        note = "\(obj["library"] as? String ?? "numpy"), final loss \(fmt(obj["final_loss"] as? Double, 4))"
        return s
    }

    /// 30 iterations x 125 of HAT's evolution scored by a student, constrained by the latency
    /// predictor, the expensive scores a look-up: the search's own cost, without the LLM.
    func searchBench() throws -> Result {
        let space = try common.loadSpace("hat-wmt14ende")
        let latency = try LatencyModel.make(space: space, hardware: "titanxp", cacheDirectory: common.cacheDirectory)
        var rng = SeededGenerator(seed: 1)
        let pool = Array(space.pool("unlabeled")!.prefix(300))
        let feats = try pool.map { try space.features($0, set: "hat") }
        var st = StudentTrainer(
            featureSet: "hat", features: feats, labels: feats.map { $0.reduce(0, +) }, config: TrainingConfig(steps: 10)
        )
        st.train(steps: 10)
        let student = st.model
        let evo = Evolution(
            shape: space.shape, config: EvolutionConfig(),
            areFeasible: { archs in
                guard let lat = try? latency.latencyMs(archs) else { return archs.map { _ in false } }
                return lat.map { $0 <= 200 }
            })
        var times: [Double] = []
        for _ in 0..<pairs {
            let t0 = Date()
            var pop = try evo.randomPopulation(125, using: &rng)
            for _ in 0..<30 {
                let scores = try student.predict(pop, in: space)
                let parents = zip(pop, scores).sorted { $0.1 > $1.1 }.prefix(25).map(\.0)
                pop = try evo.nextPopulation(parents: Array(parents), using: &rng)
            }
            times.append(Date().timeIntervalSince(t0))
        }
        let s = Metrics.median(times)
        return Result(
            name:
                "HS-NAS 30 x 125, student + latency predictor (median of \(times.count); \(fmt(times.min(), 3))-\(fmt(times.max(), 3)) s)",
            ours: s, reference: nil, unit: "s", target: "< 0.1 s", met: s < 0.1)
    }

    /// Our whole prediction path (prompt building, the HTTP client, parsing, the transcript
    /// store) against the same requests sent straight to the same llama-server with curl,
    /// one at a time as the server has one slot. The store is fresh, so nothing is cached.
    /// Then a digit walk against a greedy answer, each on its own architecture, in
    /// interleaved pairs (the order alternating), reported as the median of the pairs' ratios.
    func llmBenches() async -> [Result] {
        let name = "LLM predictions/s, ours vs curl on llama-server"
        let walkName = "digit walk / greedy answer, wall time"
        let tmp = NSTemporaryDirectory() + "llmpp-bench-llm-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var out: [Result] = []
        var provider: LocalProvider? = nil
        do {
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            let p = try LocalProvider.make(logDirectory: tmp)
            provider = p
            let rates = try await llmRates(provider: p, tmp: tmp)
            let rateRatio = Metrics.median(rates.ratios)
            out.append(
                Result(
                    name: name
                        + " (median of \(rates.ratios.count) pairs; \(fmt(rates.ratios.min(), 2))-\(fmt(rates.ratios.max(), 2)))",
                    ours: rates.ours, reference: rates.curl, unit: "1/s", target: "ratio >= 0.95",
                    met: rateRatio >= 0.95, pairRatio: rateRatio))
            let w = try await walkRatios(provider: p, tmp: tmp)
            let median = Metrics.median(w.ratios)
            out.append(
                Result(
                    name: walkName
                        + " (median of \(w.ratios.count) pairs; \(fmt(w.ratios.min(), 2))-\(fmt(w.ratios.max(), 2)))",
                    ours: w.walkSeconds, reference: w.greedySeconds, unit: "s", target: "ratio <= 1.5",
                    met: median <= 1.5, pairRatio: median))
        } catch {
            StandardError.line("bench: LLM benchmarks skipped: \(error)")
            if out.isEmpty {
                out.append(
                    Result(
                        name: name + " (skipped: \("\(error)".prefix(60)))", ours: .nan, reference: nil, unit: "1/s",
                        target: "ratio >= 0.95", met: nil))
            }
            out.append(
                Result(name: walkName + " (skipped)", ours: .nan, reference: nil, unit: "x", target: "<= 1.5", met: nil)
            )
        }
        await provider?.shutdown()
        return out
    }

    /// The LLM benchmarks' prompt: WMT'14 En-De, split 123's demonstrations.
    func benchPrompt() throws -> (SearchSpace, PromptTemplate, [(Architecture, Double)]) {
        let space = try common.loadSpace("hat-wmt14ende")
        let template = try PromptTemplate.load(space: space)
        guard let l = space.labelled, let split = l.split("123"),
            let truth = l.truth[template.settings.demonstration_metric]
        else {
            throw CLIError("hat-wmt14ende has no split 123")
        }
        return (space, template, try space.demonstrations(split, truth: truth))
    }

    func walkRatios(provider: LocalProvider, tmp: String) async throws -> (
        ratios: [Double], walkSeconds: Double, greedySeconds: Double
    ) {
        let (space, template, demos) = try benchPrompt()
        let pairs = quick ? min(llmPrompts, 5) : llmPrompts
        // Architectures no other pass has asked about (the LLM-client pass used the first ones).
        let tests = Array(space.pool("unlabeled")!.dropFirst(2 * llmPrompts + 1).prefix(2 * pairs))
        let builder = PromptBuilder(space: space, template: template)
        let store = try TranscriptStore(path: tmp + "/walk.sqlite")
        let greedy = LLMPredictor(
            provider: provider, store: store, run: "bench-greedy", builder: builder,
            settings: PredictionSettings(decode: .greedy))
        let walk = LLMPredictor(
            provider: provider, store: store, run: "bench-walk", builder: builder,
            settings: PredictionSettings(decode: .distribution))
        StandardError.line("bench: digit walk vs greedy, \(pairs) interleaved pairs...")
        func timed(_ p: LLMPredictor, _ a: Architecture) async throws -> Double {
            let t0 = Date()
            let r = await p.predict(a, demonstrations: demos)
            guard r.value != nil else { throw CLIError("a benchmark prediction failed: \(r.error ?? "")") }
            return Date().timeIntervalSince(t0)
        }
        _ = try await timed(greedy, space.pool("unlabeled")![0])  // the shared prefix, cached once for both
        let timings = try await InterleavedPairs.run(
            pairs, a: { try await timed(walk, tests[$0]) }, b: { try await timed(greedy, tests[$0]) })
        let (ratios, ws, gs) = (timings.ratios, timings.a, timings.b)
        StandardError.line("bench: walk/greedy ratios \(ratios.map { fmt($0, 2) }.joined(separator: " "))")
        return (ratios, Metrics.median(ws), Metrics.median(gs))
    }

    /// Seconds per prediction through llmpp and through curl, in interleaved pairs on distinct
    /// prompts (the order alternating; a repeated prompt would hit the server's full-prompt cache).
    func llmRates(provider: LocalProvider, tmp: String) async throws -> (ratios: [Double], ours: Double, curl: Double) {
        let (space, template, demos) = try benchPrompt()
        let n = quick ? min(llmPrompts, 5) : llmPrompts
        // Test architectures from the 8,500 unlabeled ones: prompts no earlier run has cached.
        let tests = Array(space.pool("unlabeled")!.prefix(2 * n + 1))
        let store = try TranscriptStore(path: tmp + "/bench.sqlite")
        let builder = PromptBuilder(space: space, template: template)
        let predictor = LLMPredictor(provider: provider, store: store, run: "bench", builder: builder)
        let api = try await provider.serverAPI()
        let url = api.baseURL.appendingPathComponent("chat/completions").absoluteString
        StandardError.line("bench: LLM client vs curl, \(n) interleaved pairs...")
        // Request bodies exactly as llmpp sends them; body 0 is the untimed warm-up.
        let files = try tests.enumerated().map { i, a in
            try writeRequest(
                api.body(predictor.request(messages: try builder.messages(demonstrations: demos, test: a))),
                to: tmp + "/req\(i).json")
        }
        let curl = { (f: String) in try Self.curlSeconds(posting: f, to: url) }
        func ours(_ a: Architecture) async throws -> Double {
            let t0 = Date()
            guard await predictor.predict(a, demonstrations: demos).value != nil else {
                throw CLIError("a benchmark prediction went unanswered")
            }
            return Date().timeIntervalSince(t0)
        }
        // The warm-up leaves the demonstrations' prefix in the slot for both sides.
        _ = try curl(files[0])
        // Slot 0 was the warm-up: pair k's prompts are 2k + 1 and 2k + 2.
        let timings = try await InterleavedPairs.run(
            n, a: { try curl(files[$0 + 1]) }, b: { try await ours(tests[$0 + 1]) })
        let (ratios, c, o) = (timings.ratios, timings.a, timings.b)
        StandardError.line("bench: ours/curl rate ratios \(ratios.map { fmt($0, 2) }.joined(separator: " "))")
        return (ratios, 1 / Metrics.median(o), 1 / Metrics.median(c))
    }

    func writeRequest(_ body: Data, to path: String) throws -> String {
        guard FileManager.default.createFile(atPath: path, contents: body) else {
            throw CLIError("cannot write the benchmark's request file \(path)")
        }
        return path
    }

    /// Seconds curl takes to POST the JSON file at `path` and read the whole answer.
    static func curlSeconds(posting path: String, to url: String) throws -> Double {
        let t0 = Date()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "curl", "-sf", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
            "@" + path, url,
        ]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CLIError("curl failed with status \(p.terminationStatus)") }
        return Date().timeIntervalSince(t0)
    }

    /// The explorer's default run (`llmpp` alone: nb201-cifar10, the anytime schedule, the local
    /// LLM started cold, pace 1000x), headless in a fresh data directory, until the switch:
    /// seconds to the first generation and to the switch point, and labels per hour.
    func startupBench() async -> [Result] {
        let tmp = NSTemporaryDirectory() + "llmpp-bench-startup-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        do {
            let config = try explorerDefaultConfig()
            let env = EngineEnvironment.applyingRunSettings(catalog: try common.catalog(), dataDirectory: tmp)
            StandardError.line(
                "bench: the explorer's default run, headless, until the switch (generation \(config.switchAt))...")
            let state = try await runUntilSwitch(config, env)
            return startupResults(state, config)
        } catch {
            StandardError.line("bench: startup skipped: \(error)")
            return [
                Result(
                    name: "explorer default run (skipped: \("\(error)".prefix(60)))", ours: .nan, reference: nil,
                    unit: "s", target: "<= 120 s", met: nil)
            ]
        }
    }

    /// What `llmpp` alone runs: nb201-cifar10 with the explorer's defaults and no flags.
    func explorerDefaultConfig() throws -> RunConfig {
        let run = try RunOptions.parse([])
        var config = try run.config(space: "nb201-cifar10", llm: try ProviderOptions.parse([]), defaults: .explorer)
        let space = try common.loadSpace("nb201-cifar10")
        config.prompt = try run.prompt.resolve(parts: config.prompt, template: PromptTemplate.load(space: space))
        return config
    }

    /// Runs a fresh engine until the switch point's generation is done, noting each generation.
    func runUntilSwitch(_ config: RunConfig, _ env: EngineEnvironment) async throws -> RunState {
        let t0 = Date()
        let engine = try await Engine.create(config: config, environment: env)
        let switchAt = config.switchAt
        let state = await engine.runToEnd { events in
            for await e in events {
                if case .generationDone(let g, _, _, _, _) = e {
                    StandardError.line(
                        String(format: "bench: generation %d after %.0f s", g, Date().timeIntervalSince(t0)))
                    if g >= switchAt { await engine.pause() }
                }
            }
        }
        if let err = state.error { throw CLIError(err) }
        return state
    }

    /// Seconds to the first generation and to the switch, against the issue's targets, and
    /// labels per hour of LLM time.
    func startupResults(_ state: RunState, _ config: RunConfig) -> [Result] {
        let first = state.firstGenerationSeconds ?? .nan
        let switchSeconds = (state.generationLog ?? []).first { $0.index == config.switchAt }?.wallSeconds ?? .nan
        let labels = state.labelsDone - state.labelsFailed
        let perHour = (state.llmSeconds ?? 0) > 0 ? Double(labels) / (state.llmSeconds! / 3600) : .nan
        return [
            Result(
                name: "explorer default run: first generation (cold LLM server included)", ours: first,
                reference: nil, unit: "s", target: "<= 120 s", met: first <= 120),
            Result(
                name: "explorer default run: switch point (generation \(config.switchAt))", ours: switchSeconds,
                reference: nil, unit: "s", target: "<= 600 s", met: switchSeconds <= 600),
            Result(
                name: "labels per hour of LLM time (\(labels) labels, \(config.prediction.decode.rawValue))",
                ours: perHour, reference: nil, unit: "1/h", target: "-", met: nil),
        ]
    }

    /// A frame with a 10,000-point plot and a 1,000-row table: render into the cell buffer
    /// and compute the cells to write (what the terminal layer sends).
    func renderBench() -> [Result] {
        var cfg = RunConfig(space: "bench")
        cfg.constraint = .init(latencyMs: 150, hardware: "titanxp")
        var m = ExplorerModel(config: cfg, state: RunState(seed: 0))
        var rng = SeededGenerator(seed: 2)
        let rows = quick ? 200 : 1000
        let gens = 10
        for g in 0..<gens {
            var pop: [Candidate] = []
            for i in 0..<(g == gens - 1 ? rows : 10_000 / gens) {
                pop.append(
                    Candidate(
                        arch: Architecture(genes: [i]), id: String(format: "%012x", rng.next() & 0xffff_ffff_ffff),
                        generation: g,
                        score: 20 + rng.unit() * 8, source: g < 5 ? .distill : .expensive, distill: nil, expensive: nil,
                        truth: nil, latencyMs: 50 + rng.unit() * 200, gflops: 3, params: 4e7, pinned: false))
            }
            m.history.append(pop)
        }
        m.pareto = paretoFront(m.history.last!, score: \.score, latency: { $0.latencyMs! })
        var times: [Double] = []
        var previous: CellBuffer? = nil
        for i in 0..<(quick ? 30 : 200) {
            m.selectedRow = i % rows
            let t0 = Date()
            let b = Renderer.render(m, width: 200, height: 60)
            _ = b.changes(from: previous)
            times.append(Date().timeIntervalSince(t0) * 1000)
            previous = b
        }
        times.sort()
        let p50 = times[times.count / 2]
        let p99 = times[min(times.count - 1, times.count * 99 / 100)]
        return [
            Result(
                name: "frame p50 (10,000 points, \(rows) rows, 200x60)", ours: p50, reference: nil, unit: "ms",
                target: "-", met: nil),
            Result(name: "frame p99", ours: p99, reference: nil, unit: "ms", target: "< 8 ms", met: p99 < 8),
        ]
    }

    /// Insert and cache look-up rate of the transcript store.
    func storeBench() async throws -> [Result] {
        let n = quick ? 10_000 : 100_000
        let path = NSTemporaryDirectory() + "llmpp-bench-\(UUID().uuidString).sqlite"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try TranscriptStore(path: path)
        let t0 = Date()
        try await store.insertBatch(
            (0..<n).map { i in
                CallRecord(
                    run: "bench", provider: "local", model: "m", parameters: "{}",
                    messages: "[{\"role\":\"user\",\"content\":\"q\(i)\"}]",
                    cacheKey: "key\(i)", sampleIndex: 0, attempt: 1, status: .ok, responseText: "{\"bleu\": 25}",
                    parsedValue: 25,
                    tokensIn: 3000, tokensOut: 8, latencyMs: 2500)
            })
        let insert = Double(n) / Date().timeIntervalSince(t0)
        let t1 = Date()
        var hits = 0
        for i in stride(from: 0, to: n, by: max(1, n / 10_000)) {
            if try await store.cached(cacheKey: "key\(i)") != nil { hits += 1 }
        }
        let lookup = Double(hits) / Date().timeIntervalSince(t1)
        return [
            Result(
                name: "transcript inserts (\(n), one transaction per 1,000)", ours: insert, reference: nil,
                unit: "calls/s", target: "-", met: nil),
            Result(
                name: "cache look-ups (\(hits) hits)", ours: lookup, reference: nil, unit: "look-ups/s", target: "-",
                met: nil),
        ]
    }
}
