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
        abstract: "Benchmarks with their targets: student training vs NumPy, a whole HS-NAS search, the LLM client vs llama-server driven directly, rendering, the transcript store.")

    @OptionGroup var common: CommonOptions
    @Flag(help: "Fewer steps and rows (a quick look, not the targets' conditions).") var quick = false
    @Flag(help: "Print JSON.") var json = false
    @Option(name: .customLong("llm-prompts"), help: "Prompts of the LLM-client benchmark (0 skips it; it needs the local server from scripts/setup).")
    var llmPrompts: Int = 10

    struct Result {
        var name: String, ours: Double, reference: Double?, unit: String, target: String, met: Bool?
        var ratio: Double? { reference.map { ours / $0 } }
    }

    func run() async throws {
        var results: [Result] = []
        results.append(try trainingBench())
        results.append(try searchBench())
        if llmPrompts > 0 { results += await llmBenches() }
        results += renderBench()
        results += try await storeBench()
        if json {
            print(JSONValue.object([("benchmarks", .array(results.map { r in
                .object([("name", .string(r.name)), ("ours", .number(r.ours)), ("reference", .number(r.reference)), ("unit", .string(r.unit)),
                         ("ratio", .number(r.ratio)), ("target", .string(r.target)), ("met", r.met.map { .bool($0) } ?? .null)])
            }))]).rendered(pretty: true))
            return
        }
        var t = TextTable(header: ["benchmark", "ours", "reference", "unit", "ratio", "target", "met"])
        for r in results {
            t.rows.append([r.name, fmt(r.ours, 3), fmt(r.reference, 3), r.unit, fmt(r.ratio, 3), r.target, r.met.map { $0 ? "yes" : "NO" } ?? "-"])
        }
        print(t.render())
    }

    func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    /// The student with the paper's configuration, ours vs the same network in NumPy.
    func trainingBench() throws -> Result {
        let steps = quick ? 500 : 5000
        var rng = SeededGenerator(seed: 0)
        let xs = (0..<3000).map { _ in (0..<10).map { _ in rng.unit() } }
        let ys = xs.map { sin(3 * $0[0]) + $0[1] * $0[2] - 0.5 * $0[3] }
        note("bench: training the student natively (\(steps) steps)...")
        var tr = MLPTrainer<Float>(inputs: xs, targets: ys, config: TrainingConfig(steps: steps))
        let t0 = Date()
        tr.train(steps: steps)
        let ours = Date().timeIntervalSince(t0)
        note("bench: the same in NumPy...")
        var reference: Double? = nil
        var refNote = "reference unavailable"
        let script = ((try common.catalog().directory as NSString).deletingLastPathComponent as NSString).appendingPathComponent("scripts/bench/mlp_numpy.py")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, String(steps)]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        if (try? p.run()) != nil {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            if let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let s = obj["seconds"] as? Double {
                reference = s
                refNote = "\(obj["library"] as? String ?? "numpy"), final loss \(fmt(obj["final_loss"] as? Double, 4))"
            }
        }
        note("bench: native final loss \(fmt(tr.losses.last, 4)); \(refNote)")
        return Result(name: "student training \(steps) steps (vs \(refNote.hasPrefix("numpy") ? "NumPy" : "no reference"))", ours: ours,
                      reference: reference, unit: "s", target: "ratio <= 0.5", met: reference.map { ours / $0 <= 0.5 })
    }

    /// 30 iterations x 125 of HAT's evolution scored by a student, constrained by the latency
    /// predictor, the expensive scores a look-up: the search's own cost, without the LLM.
    func searchBench() throws -> Result {
        let space = try common.loadSpace("hat-wmt14ende")
        let latency = try LatencyModel.make(space: space, hardware: "titanxp", cacheDirectory: common.cacheDirectory)
        var rng = SeededGenerator(seed: 1)
        let pool = Array(space.pool("unlabeled")!.prefix(300))
        let feats = try pool.map { try space.features($0, set: "hat") }
        var st = StudentTrainer(featureSet: "hat", features: feats, labels: feats.map { $0.reduce(0, +) }, config: TrainingConfig(steps: 10))
        st.train(steps: 10)
        let student = st.model
        let t0 = Date()
        let evo = Evolution(shape: space.shape, config: EvolutionConfig(), areFeasible: { archs in
            guard let lat = try? latency.latencyMs(archs) else { return archs.map { _ in false } }
            return lat.map { $0 <= 200 }
        })
        var pop = try evo.randomPopulation(125, using: &rng)
        for _ in 0..<30 {
            let scores = try student.predict(pop, in: space)
            let parents = zip(pop, scores).sorted { $0.1 > $1.1 }.prefix(25).map(\.0)
            pop = try evo.nextPopulation(parents: Array(parents), using: &rng)
        }
        let s = Date().timeIntervalSince(t0)
        return Result(name: "HS-NAS 30 x 125, student + latency predictor", ours: s, reference: nil, unit: "s", target: "< 0.1 s", met: s < 0.1)
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
            out.append(Result(name: name, ours: rates.ours, reference: rates.curl, unit: "1/s", target: "ratio >= 0.95", met: rates.ours / rates.curl >= 0.95))
            let w = try await walkRatios(provider: p, tmp: tmp)
            let median = Metrics.median(w.ratios)
            out.append(Result(name: walkName + " (median of \(w.ratios.count) pairs; min \(fmt(w.ratios.min(), 2)), max \(fmt(w.ratios.max(), 2)); "
                              + "\(fmt(w.walkSeconds, 1)) s vs \(fmt(w.greedySeconds, 1)) s)",
                              ours: median, reference: nil, unit: "x", target: "<= 1.5", met: median <= 1.5))
        } catch {
            note("bench: LLM benchmarks skipped: \(error)")
            if out.isEmpty {
                out.append(Result(name: name + " (skipped: \("\(error)".prefix(60)))", ours: .nan, reference: nil, unit: "1/s", target: "ratio >= 0.95", met: nil))
            }
            out.append(Result(name: walkName + " (skipped)", ours: .nan, reference: nil, unit: "x", target: "<= 1.5", met: nil))
        }
        await provider?.shutdown()
        return out
    }

    /// The LLM benchmarks' prompt: WMT'14 En-De, split 123's demonstrations.
    func benchPrompt() throws -> (SearchSpace, PromptTemplate, [(Architecture, Double)]) {
        let space = try common.loadSpace("hat-wmt14ende")
        let template = try PromptTemplate.load(space: space)
        guard let l = space.labelled, let split = l.split("123"), let truth = l.truth[template.settings.demonstration_metric] else {
            throw CLIError("hat-wmt14ende has no split 123")
        }
        let table = space.tables[l.table]
        let demos = try split.train.map { (table.architectures[$0], try space.evaluate(truth, table.architectures[$0], row: (l.table, $0))) }
        return (space, template, demos)
    }

    func walkRatios(provider: LocalProvider, tmp: String) async throws -> (ratios: [Double], walkSeconds: Double, greedySeconds: Double) {
        let (space, template, demos) = try benchPrompt()
        let pairs = max(5, quick ? 5 : llmPrompts)
        // Architectures no other pass has asked about (the LLM-client pass used the first ones).
        let tests = Array(space.pool("unlabeled")!.dropFirst(llmPrompts + 1).prefix(2 * pairs))
        let builder = PromptBuilder(space: space, template: template)
        let store = try TranscriptStore(path: tmp + "/walk.sqlite")
        let greedy = LLMPredictor(provider: provider, store: store, run: "bench-greedy", builder: builder, settings: PredictionSettings(decode: .greedy))
        let walk = LLMPredictor(provider: provider, store: store, run: "bench-walk", builder: builder, settings: PredictionSettings(decode: .distribution))
        note("bench: digit walk vs greedy, \(pairs) interleaved pairs...")
        func timed(_ p: LLMPredictor, _ a: Architecture) async throws -> Double {
            let t0 = Date()
            let r = await p.predict(a, demonstrations: demos)
            guard r.value != nil else { throw CLIError("a benchmark prediction failed: \(r.error ?? "")") }
            return Date().timeIntervalSince(t0)
        }
        _ = try await timed(greedy, space.pool("unlabeled")![0])  // the shared prefix, cached once for both
        var ratios: [Double] = [], ws: [Double] = [], gs: [Double] = []
        for i in 0..<pairs {
            let (a, b) = (tests[2 * i], tests[2 * i + 1])
            var w = 0.0, g = 0.0
            if i % 2 == 0 { w = try await timed(walk, a); g = try await timed(greedy, b) } else { g = try await timed(greedy, a); w = try await timed(walk, b) }
            ratios.append(w / g); ws.append(w); gs.append(g)
        }
        note("bench: walk/greedy ratios \(ratios.map { fmt($0, 2) }.joined(separator: " "))")
        return (ratios, Metrics.median(ws), Metrics.median(gs))
    }

    /// Predictions per second through llmpp and through curl, the same prompts both ways.
    func llmRates(provider: LocalProvider, tmp: String) async throws -> (ours: Double, curl: Double) {
        let (space, template, demos) = try benchPrompt()
        let n = quick ? min(llmPrompts, 3) : llmPrompts
        // Test architectures from the 8,500 unlabeled ones: prompts no earlier run has cached.
        let tests = Array(space.pool("unlabeled")!.prefix(n + 1))
        let store = try TranscriptStore(path: tmp + "/bench.sqlite")
        let builder = PromptBuilder(space: space, template: template)
        let predictor = LLMPredictor(provider: provider, store: store, run: "bench", builder: builder)
        let api = try await provider.serverAPI()
        let url = api.baseURL.appendingPathComponent("chat/completions").absoluteString
        note("bench: LLM client vs curl, \(n) prompts each...")
        // Request bodies exactly as llmpp sends them; body 0 is the untimed warm-up.
        var files: [String] = []
        for (i, a) in tests.enumerated() {
            let body = try api.body(predictor.request(messages: try builder.messages(demonstrations: demos, test: a)))
            let f = tmp + "/req\(i).json"
            FileManager.default.createFile(atPath: f, contents: body)
            files.append(f)
        }
        func curl(_ f: String) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["curl", "-sf", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + f, url]
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw CLIError("curl failed with status \(p.terminationStatus)") }
        }
        // Each pass starts from the same server state: the warm-up prompt just asked, so the
        // slot holds the demonstrations' prefix and neither pass meets its own first prompt
        // already cached (with one prompt, the second pass would otherwise repeat the first's).
        try curl(files[0])
        let curlStart = Date()
        for f in files.dropFirst() { try curl(f) }
        let curlRate = Double(n) / Date().timeIntervalSince(curlStart)
        try curl(files[0])
        let oursStart = Date()
        var failed = 0
        for a in tests[1...n] where await predictor.predict(a, demonstrations: demos).value == nil { failed += 1 }
        let ours = Double(n) / Date().timeIntervalSince(oursStart)
        note(String(format: "bench: curl %.3f/s, ours %.3f/s (%d unanswered)", curlRate, ours, failed))
        return (ours, curlRate)
    }

    /// A frame with a 10,000-point plot and a 1,000-row table: render into the cell buffer
    /// and compute the cells to write (what the terminal layer sends).
    func renderBench() -> [Result] {
        var cfg = RunConfig(space: "bench")
        cfg.constraint = .init(latencyMs: 150, hardware: "titanxp")
        var m = ExplorerModel(config: cfg, state: RunState(seed: 0))
        var rng = SeededGenerator(seed: 2)
        let rows = quick ? 200 : 1000, gens = 10
        for g in 0..<gens {
            var pop: [Candidate] = []
            for i in 0..<(g == gens - 1 ? rows : 10_000 / gens) {
                pop.append(Candidate(arch: Architecture(genes: [i]), id: String(format: "%012x", rng.next() & 0xffffffffffff), generation: g,
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
        let p50 = times[times.count / 2], p99 = times[min(times.count - 1, times.count * 99 / 100)]
        return [Result(name: "frame p50 (10,000 points, \(rows) rows, 200x60)", ours: p50, reference: nil, unit: "ms", target: "-", met: nil),
                Result(name: "frame p99", ours: p99, reference: nil, unit: "ms", target: "< 8 ms", met: p99 < 8)]
    }

    /// Insert and cache look-up rate of the transcript store.
    func storeBench() async throws -> [Result] {
        let n = quick ? 10_000 : 100_000
        let path = NSTemporaryDirectory() + "llmpp-bench-\(UUID().uuidString).sqlite"
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try TranscriptStore(path: path)
        let t0 = Date()
        try await store.insertBatch((0..<n).map { i in
            CallRecord(run: "bench", provider: "local", model: "m", parameters: "{}", messages: "[{\"role\":\"user\",\"content\":\"q\(i)\"}]",
                       cacheKey: "key\(i)", sampleIndex: 0, attempt: 1, status: .ok, responseText: "{\"bleu\": 25}", parsedValue: 25,
                       tokensIn: 3000, tokensOut: 8, latencyMs: 2500)
        })
        let insert = Double(n) / Date().timeIntervalSince(t0)
        let t1 = Date()
        var hits = 0
        for i in stride(from: 0, to: n, by: max(1, n / 10_000)) { if try await store.cached(cacheKey: "key\(i)") != nil { hits += 1 } }
        let lookup = Double(hits) / Date().timeIntervalSince(t1)
        return [Result(name: "transcript inserts (\(n), one transaction per 1,000)", ours: insert, reference: nil, unit: "calls/s", target: "-", met: nil),
                Result(name: "cache look-ups (\(hits) hits)", ours: lookup, reference: nil, unit: "look-ups/s", target: "-", met: nil)]
    }
}
