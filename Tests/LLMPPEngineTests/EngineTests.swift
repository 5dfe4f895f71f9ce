import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore
import LLMPPTestSupport
import Synchronization
import XCTest

@testable import LLMPPEngine

/// The engine on nb201-cifar10 with an in-test OpenAI-protocol server whose "LLM" answers
/// each architecture's 200-epoch accuracy plus a deterministic perturbation.
final class EngineTests: XCTestCase {
    static let root = Repo.root
    static let catalog = Repo.catalog
    static func space() throws -> SearchSpace { try Repo.space("nb201-cifar10") }

    /// A server that reads the test architecture from the prompt and answers like a decent LLM:
    /// its truth plus a deterministic perturbation of at most 1 point.
    static func llmServer() throws -> TestHTTPServer {
        try llmServer { truth, id in truth + Double(Int(StableHash.fnv1a64(id) % 200) - 100) / 100 }
    }

    /// A server that reads the test architecture from the prompt and answers `answer(truth, id)`,
    /// each answer `delay` seconds late.
    static func llmServer(delay: Double = 0, answer: @escaping @Sendable (Double, String) -> Double) throws
        -> TestHTTPServer
    {
        let s = try space()
        return try TestHTTPServer(handler: { req in
            let text = req.lastMessage
            guard let r = text.range(of: "Test architecture:\n", options: .backwards) else {
                return .init(status: 200, body: TestHTTPServer.openAI("no idea"))
            }
            let lines = text[r.upperBound...].split(separator: "\n").prefix(6).joined(separator: "\n")
            guard let a = try? s.parse(lines), let t = try? s.lookup(s.labelled!.truth["valid"]!, a) else {
                return .init(status: 200, body: TestHTTPServer.openAI("no idea"))
            }
            return .init(
                status: 200, body: TestHTTPServer.openAI(String(format: "{\"accuracy\": %.2f}", answer(t, s.id(a)))),
                delay: delay)
        })
    }

    func environment(
        _ server: TestHTTPServer, dataDir: String,
        evaluator: (@Sendable (RunConfig, SearchSpace, String) throws -> any ExpensiveEvaluator)? = nil
    ) -> EngineEnvironment {
        Self.environment(server, dataDir: dataDir, evaluator: evaluator)
    }

    static func environment(
        _ server: TestHTTPServer, dataDir: String,
        evaluator: (@Sendable (RunConfig, SearchSpace, String) throws -> any ExpensiveEvaluator)? = nil
    ) -> EngineEnvironment {
        let url = server.baseURL
        return EngineEnvironment(
            catalog: Self.catalog, dataDirectory: dataDir,
            makeProvider: { _, _ in
                OpenAIProvider(name: "openai", model: "test-llm", baseURL: url, apiKey: nil, maxConcurrency: 4)
            },
            makeEvaluator: evaluator)
    }

    func smallConfig() -> RunConfig { Self.smallConfig() }

    static func smallConfig() -> RunConfig {
        var c = RunConfig(space: "nb201-cifar10")
        c.provider = "openai"
        c.splitSeed = "5"
        c.labels = 48
        c.training = TrainingConfig(hidden: [32, 32], learningRate: 3e-3, steps: 150, batchSize: 16, seed: 1)
        c.trainingChunk = 50
        c.evolution = EvolutionConfig.scaled(population: 20, iterations: 6)
        c.switchAt = 3
        c.constraint = .init(latencyMs: 25, hardware: "raspi4")
        c.seed = 7
        return c
    }

    static func tempDir() -> String { Repo.tempDirectory("llmpp-engine") }

    /// Collects generation events.
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var generations: [(Int, ScoreSource, [Candidate])] = []
        /// The run's expensive evaluations each generation event carried.
        var expensiveCounts: [Int] = []
        var switches: [Int] = []
        var phases: [Phase] = []
        var notices: [String] = []
        func listen(_ events: AsyncStream<EngineEvent>) -> Task<Void, Never> {
            Task {
                for await e in events {
                    lock.withLock {
                        switch e {
                        case .generationDone(let g, let s, let pop, _, let expensive):
                            generations.append((g, s, pop))
                            expensiveCounts.append(expensive)
                        case .switchReached(let g): switches.append(g)
                        case .phaseChanged(let p): phases.append(p)
                        case .notice(let m): notices.append(m)
                        default: break
                        }
                    }
                }
            }
        }
    }

    func testFullSmallSearchHonoursTheSwitchPointExactly() async throws {
        let server = try Self.llmServer()
        defer { server.stop() }
        let engine = try await Engine.create(
            config: smallConfig(), environment: environment(server, dataDir: Self.tempDir()))
        let rec = Recorder()
        let listener = rec.listen(await engine.events())
        await engine.start()
        let state = await engine.wait()
        try await Task.sleep(nanoseconds: 100_000_000)
        listener.cancel()
        XCTAssertNil(state.error)
        XCTAssertTrue(state.finished)
        XCTAssertEqual(state.labelsDone, 48)
        XCTAssertEqual(server.requestCount, 48, "one LLM call per label")
        XCTAssertEqual(rec.generations.map(\.0), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(rec.generations.map(\.1), [.distill, .distill, .distill, .expensive, .expensive, .expensive])
        XCTAssertEqual(rec.switches, [3])
        XCTAssertEqual(rec.phases, [.training, .search, .done])
        // Expensive evaluations: exactly the distinct architectures of generations 3-5.
        let expensiveIDs = Set(rec.generations.filter { $0.0 >= 3 }.flatMap { $0.2.map(\.id) })
        XCTAssertEqual(state.counters.expensiveEvaluations, expensiveIDs.count)
        // Each event carries the count through its own generation: `search` printed a later
        // snapshot's, so generation 0's line could show generation 1's evaluations.
        let throughEach = rec.generations.map { g in
            Set(rec.generations.filter { $0.0 >= 3 && $0.0 <= g.0 }.flatMap { $0.2.map(\.id) }).count
        }
        XCTAssertEqual(rec.expensiveCounts, throughEach)
        // The constraint holds for every candidate; scores come from the source named.
        for (_, src, pop) in rec.generations {
            for c in pop {
                XCTAssertLessThanOrEqual(try XCTUnwrap(c.latencyMs), 25)
                XCTAssertEqual(c.score, src == .distill ? c.distill : c.expensive)
                XCTAssertNotNil(c.truth)
            }
        }
        // The student learned something about the truth: it ranks the test split better than chance.
        let q = try await engine.predictorQuality()
        let student = try XCTUnwrap(q.first { $0.0 == "valid" }?.1.first { $0.name == "LLM-Distill-PP" })
        XCTAssertGreaterThan(try XCTUnwrap(student.kendallMean), 0.2)
        // Beside it, the fits of the split's demonstrations, also on a space that draws its splits.
        let names = q.first { $0.0 == "valid" }?.1.map(\.name) ?? []
        XCTAssertTrue(BaselineReport.referenceNames.allSatisfy(names.contains), "\(names)")
        XCTAssertEqual(state.best?.id, rec.generations.last?.2.first?.id)
    }

    func testResumeAfterAKillGivesTheSameResultAndPaysNoCallTwice() async throws {
        let cfg = smallConfig()
        // Uninterrupted.
        let s1 = try Self.llmServer()
        defer { s1.stop() }
        let e1 = try await Engine.create(config: cfg, environment: environment(s1, dataDir: Self.tempDir()))
        await e1.start()
        let full = await e1.wait()
        // Interrupted twice: during labelling and during the search, each time the engine is dropped
        // without any goodbye (as kill -9 would), then resumed from the database.
        let s2 = try Self.llmServer()
        defer { s2.stop() }
        let dir = Self.tempDir()
        let env = environment(s2, dataDir: dir)
        var engine = try await Engine.create(config: cfg, environment: env, runID: "killed")
        for _ in 0..<3 { await engine.step() }  // 3 label batches of 4
        do {
            let v = await engine.state.labelsDone
            XCTAssertEqual(v, 12)
        }
        engine = try await Engine.resume(runID: "killed", environment: env)
        while await engine.state.phase != .search { await engine.step() }
        await engine.step()
        await engine.step()  // generations 0 and 1
        do {
            let v = await engine.state.generation
            XCTAssertEqual(v, 2)
        }
        engine = try await Engine.resume(runID: "killed", environment: env)
        do {
            let v = await engine.state.generation
            XCTAssertEqual(v, 2)
        }
        await engine.start()
        let resumed = await engine.wait()
        XCTAssertEqual(s2.requestCount, 48, "no LLM call paid twice")
        XCTAssertEqual(resumed.best, full.best)
        XCTAssertEqual(resumed.lastGeneration.map(\.id), full.lastGeneration.map(\.id))
        XCTAssertEqual(resumed.counters.expensiveEvaluations, full.counters.expensiveEvaluations)
        let runs = try RunStore(path: dir + "/llmpp.sqlite")
        let gens = try await runs.generations(run: "killed").map(\.0)
        XCTAssertEqual(gens, [0, 1, 2, 3, 4, 5])
    }

    func testPinBanInjectAndMidRunSettings() async throws {
        var cfg = smallConfig()
        cfg.labels = 0
        cfg.switchAt = 0
        cfg.evolution.iterations = 10
        let server = try Self.llmServer()
        defer { server.stop() }
        let s = try Self.space()
        let engine = try await Engine.create(config: cfg, environment: environment(server, dataDir: Self.tempDir()))
        let rec = Recorder()
        let listener = rec.listen(await engine.events())
        defer { listener.cancel() }
        let pinned = try s.parse(
            "node1-from-node0: nor_conv_3x3\nnode2-from-node0: nor_conv_3x3\nnode2-from-node1: nor_conv_3x3\nnode3-from-node0: skip_connect\nnode3-from-node1: nor_conv_3x3\nnode3-from-node2: none"
        )
        await engine.pin(pinned)
        await engine.step()
        let g0 = await engine.state.lastGeneration
        XCTAssertTrue(g0.contains { $0.id == s.id(pinned) && $0.pinned })
        // Ban the best non-pinned architecture: it never appears again.
        let banned = g0.first { !$0.pinned }!.id
        await engine.ban(banned)
        let injected = try s.parse(
            "node1-from-node0: avg_pool_3x3\nnode2-from-node0: avg_pool_3x3\nnode2-from-node1: avg_pool_3x3\nnode3-from-node0: avg_pool_3x3\nnode3-from-node1: avg_pool_3x3\nnode3-from-node2: avg_pool_3x3"
        )
        try await engine.inject(injected)
        // An injection that breaks the constraint is refused, naming its latency and the limit.
        let heavy = try s.parse(
            (1...3).flatMap { n in (0..<n).map { "node\(n)-from-node\($0): nor_conv_3x3" } }.joined(separator: "\n"))
        do {
            try await engine.inject(heavy)
            XCTFail("an architecture over the latency constraint was injected")
        } catch {
            XCTAssertTrue(
                "\(error)".contains("is not injected: ") && "\(error)".contains("ms > the constraint's 25 ms"),
                "\(error)")
        }
        // A banned one is refused (it was said to join the next population, which dropped it).
        let bannedArch = g0.first { $0.id == banned }!.arch
        do {
            try await engine.inject(bannedArch)
            XCTFail("a banned architecture was injected")
        } catch {
            XCTAssertTrue("\(error)".hasSuffix("is not injected: it is banned in this run"), "\(error)")
        }
        await engine.step()  // generation 1 was built before the injection: it arrives in generation 2
        await engine.step()
        let g2 = await engine.state.lastGeneration
        XCTAssertTrue(g2.contains { $0.id == s.id(pinned) })
        XCTAssertFalse(g2.contains { $0.id == banned })
        XCTAssertTrue(g2.contains { $0.id == s.id(injected) })
        // Where it ranked is told: an injected architecture is in one generation only, unless it
        // is kept as a parent, and a new user could not find it.
        let rank = try XCTUnwrap(g2.firstIndex { $0.id == s.id(injected) }) + 1
        try await Task.sleep(nanoseconds: 100_000_000)
        let told = rec.lock.withLock { rec.notices.filter { $0.hasPrefix("injected \(s.id(injected))") } }
        XCTAssertEqual(told.count, 1, "\(told)")
        XCTAssertTrue(
            told.first?.hasPrefix("injected \(s.id(injected)): generation 2 ranks it \(rank) of \(g2.count) (score ")
                == true, "\(told)")
        // Settings change from the next generation on.
        await engine.setPopulation(10)
        await engine.setSwitchPoint(2)
        do {
            let v = await engine.config.switchAt
            XCTAssertEqual(v, 0, "no distillation in this run: the switch stays 0")
        }
        await engine.step()
        await engine.step()
        do {
            let v = await engine.state.lastGeneration.count
            XCTAssertLessThanOrEqual(v, 11)
        }
        // The generation after the one already built meets a tightened constraint (pinned ones excepted).
        await engine.setConstraint(.init(latencyMs: 5, hardware: "raspi4"))
        await engine.step()
        await engine.step()
        let g = await engine.state.lastGeneration
        XCTAssertFalse(g.isEmpty)
        let gen = await engine.state.generation
        let con = await engine.config.constraint
        XCTAssertTrue(
            g.filter { !$0.pinned }.allSatisfy { ($0.latencyMs ?? 99) <= 5 },
            "\(g.map { ($0.id, $0.pinned, $0.generation, $0.latencyMs ?? -1) }) \(gen) \(con)")
        XCTAssertThrowsError(
            try RunConfig(space: "x").with {
                $0.labels = 0
                $0.switchAt = 3
            }.validated())
    }

    /// An evaluator that floods stdout is stopped at the output limit with an error that says
    /// so (it ran to its timeout before, holding all it wrote in memory).
    func testAnEvaluatorFloodingStdoutIsStoppedAtTheLimit() async throws {
        let s = try Self.space()
        var rng = SeededGenerator(seed: 2)
        let archs = (0..<3).map { _ in s.shape.random(using: &rng) }
        let t0 = Date()
        do {
            _ = try await ExternalEvaluator(command: "yes '{\"id\": \"x\", \"score\": 1}'", space: s, timeout: 60)
                .evaluate(archs)
            XCTFail("a flood should fail")
        } catch { XCTAssertTrue("\(error)".contains("wrote more than 64 MB on stdout"), "\(error)") }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 30)
    }

    func testExternalEvaluatorProtocolAndFaults() async throws {
        let s = try Self.space()
        let script = (Self.root as NSString).appendingPathComponent("scripts/evaluators/toy_evaluator.py")
        var rng = SeededGenerator(seed: 2)
        let archs = (0..<5).map { _ in s.shape.random(using: &rng) }
        let ok = ExternalEvaluator(command: "python3 \(script)", space: s, timeout: 30)
        let scores = try await ok.evaluate(archs)
        XCTAssertEqual(scores.count, 5)
        XCTAssertTrue(scores.allSatisfy { (20...30).contains($0) })
        XCTAssertEqual(
            ExternalEvaluator.requestLine(archs[0], space: s).hasPrefix(
                "{\"id\":\"\(s.id(archs[0]))\",\"arch\":{\"node1-from-node0\":"), true)
        for (flag, message) in [
            ("--crash", "exited with status 3"), ("--garbage", "answered garbage"), ("--skip", "gave no score for"),
        ] {
            do {
                _ = try await ExternalEvaluator(command: "python3 \(script) \(flag)", space: s, timeout: 30).evaluate(
                    archs)
                XCTFail("\(flag) should fail")
            } catch { XCTAssertTrue("\(error)".contains(message), "\(flag): \(error)") }
        }
        let t0 = Date()
        do {
            _ = try await ExternalEvaluator(command: "python3 \(script) --hang", space: s, timeout: 1.5).evaluate(archs)
            XCTFail("--hang should time out")
        } catch { XCTAssertTrue("\(error)".contains("within 1 s"), "\(error)") }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 10)
        // A command that leaves something running in the background with its stdout: the
        // answers are in once the command exits (it waited for the timeout and called them
        // incomplete), and what it left is stopped.
        let marker = "31.\(Int.random(in: 100...999))"
        let t1 = Date()
        let background = try await ExternalEvaluator(
            command: "python3 \(script); sleep \(marker) &", space: s, timeout: 20
        ).evaluate(archs)
        XCTAssertEqual(background, scores)
        XCTAssertLessThan(Date().timeIntervalSince(t1), 10)
        let left = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { pid in
            Int(pid) != nil
                && FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") == Data("sleep\0\(marker)\0".utf8)
        }
        XCTAssertEqual(left, [], "the background sleep was stopped")

        // In a run: a crashing evaluator pauses the run with the error; nothing is lost, and the
        // run resumes with a working evaluator from the same generation.
        var cfg = smallConfig()
        cfg.labels = 0
        cfg.switchAt = 0
        cfg.evaluator = .init(kind: "external", command: "python3 \(script) --crash")
        let server = try Self.llmServer()
        defer { server.stop() }
        let dir = Self.tempDir()
        let bad = try await Engine.create(config: cfg, environment: environment(server, dataDir: dir), runID: "faulty")
        await bad.start()
        let st = await bad.wait()
        XCTAssertTrue(st.paused)
        XCTAssertEqual(st.generation, 0)
        XCTAssertTrue(st.error?.contains("exited with status 3") ?? false, st.error ?? "")
        let good = environment(
            server, dataDir: dir,
            evaluator: { _, space, _ in ExternalEvaluator(command: "python3 \(script)", space: space, timeout: 30) })
        let resumed = try await Engine.resume(runID: "faulty", environment: good)
        await resumed.start()
        let done = await resumed.wait()
        XCTAssertTrue(done.finished)
        XCTAssertNil(done.error)
    }
}

extension EngineTests {
    /// The switch point is judged in one place: clamps say so, a run without labels refuses,
    /// and relative moves sent at once compose (> > > > is exactly +4).
    func testSwitchPointSteeringRulesAndRelativeMoves() async throws {
        var cfg = smallConfig()
        var st = RunState(seed: 0)
        XCTAssertEqual(
            SteeringRules.switchPoint(9, config: cfg, state: st),
            .init(value: 6, message: "switch point -> generation 6 (clamped to 0...6)"))
        // Moved later after the switch was reached at 3, at 5/6: the generation in flight, 5, was
        // scored by the expensive evaluator too (the message named 3-4).
        st.switchReachedAt = 3
        st.generation = 5
        XCTAssertEqual(
            SteeringRules.switchPoint(6, config: cfg, state: st).message,
            "switch point -> generation 6; generations 3-4 were already scored by the expensive evaluator")
        XCTAssertEqual(
            SteeringRules.switchPoint(6, config: cfg, state: st, generationInFlight: true).message,
            "switch point -> generation 6; generations 3-5 were already scored by the expensive evaluator (5 is being scored)"
        )
        XCTAssertEqual(
            SteeringRules.switchPoint(1, config: cfg, state: st, generationInFlight: true).message,
            "switch point -> generation 1; takes effect from generation 6")
        st.finished = true
        XCTAssertTrue(
            SteeringRules.switchPoint(2, config: cfg, state: st).message.contains("r starts a new run with it"))
        // Moved past the generation whose student rests on the whole budget: the student
        // scoring the generations in between learns nothing new, and the message said nothing.
        var anytime = smallConfig()
        anytime.labels = 12
        anytime.anytime = AnytimeSchedule(warmupLabels: 4, labelsPerGeneration: 3)
        XCTAssertEqual(SteeringRules.labelsEnd(config: anytime), 3)
        XCTAssertEqual(
            SteeringRules.switchPoint(6, config: anytime, state: RunState(seed: 0)).message,
            "switch point -> generation 6; the 12 labels are all in by generation 3: generations 4-5 reuse its student")
        XCTAssertEqual(
            SteeringRules.switchPoint(5, config: anytime, state: RunState(seed: 0)).message,
            "switch point -> generation 5; the 12 labels are all in by generation 3: generation 4 reuses its student")
        XCTAssertEqual(
            SteeringRules.switchPoint(4, config: anytime, state: RunState(seed: 0)).message,
            "switch point -> generation 4")
        XCTAssertNil(SteeringRules.labelsEnd(config: cfg), "the paper's schedule labels before the search")
        cfg.labels = 0
        XCTAssertNil(SteeringRules.switchPoint(2, config: cfg, state: RunState(seed: 0)).value)
        let server = try Self.llmServer()
        defer { server.stop() }
        let engine = try await Engine.create(
            config: smallConfig().with { $0.switchAt = 1 }, environment: environment(server, dataDir: Self.tempDir()))
        let events = await engine.events()
        await withTaskGroup(of: Void.self) { g in for _ in 0..<4 { g.addTask { await engine.moveSwitch(by: 1) } } }
        let now = await engine.config.switchAt
        XCTAssertEqual(now, 5)
        await engine.moveSwitch(by: 10)
        let clamped = await engine.config.switchAt
        XCTAssertEqual(clamped, 6)
        var notices: [String] = []
        for await e in events {
            if case .notice(let m) = e { notices.append(m) }
            if notices.count == 5 { break }
        }
        XCTAssertEqual(notices.last, "switch point -> generation 6 (clamped to 0...6)")
        // The pace composes the same way: + + + sent at once from 1000x is 8000x (the explorer
        // sent absolute paces from its lagging copy: - - from 2000x gave 1000x).
        await engine.setPace(1000)
        await withTaskGroup(of: Void.self) { g in for _ in 0..<3 { g.addTask { await engine.scalePace(faster: true) } }
        }
        let faster = await engine.config.pace
        XCTAssertEqual(faster, 8000)
        await withTaskGroup(of: Void.self) { g in for _ in 0..<2 { g.addTask { await engine.scalePace(faster: false) } }
        }
        let slower = await engine.config.pace
        XCTAssertEqual(slower, 2000)
    }

    /// A batch cut by a quit (the provider stopped under it) pauses the run: not failed (it was
    /// saved as "failed" with "the LLM ... is unavailable (cancelled)"), nothing recorded.
    func testABatchCutByAQuitPausesTheRunWithoutAnError() async throws {
        let env = EngineEnvironment(
            catalog: Self.catalog, dataDirectory: Self.tempDir(), makeProvider: { _, _ in StoppedProvider() })
        var cfg = smallConfig()
        cfg.evaluateLLM = false
        let engine = try await Engine.create(config: cfg, environment: env, runID: "cut")
        await engine.step()
        let state = await engine.state
        XCTAssertNil(state.error)
        XCTAssertTrue(state.paused)
        XCTAssertEqual(state.labelsDone, 0)
        XCTAssertEqual(state.counters.llmCalls, 0)
        let row = try await RunStore(path: env.databasePath).run("cut")
        XCTAssertEqual(row?.status, "paused")
    }

    /// A switch moved after the run finished is for the next restart: the saved run keeps the
    /// switch it ran with (a `>` after the end rewrote it, and `--resume` reported it).
    func testSteeringAFinishedRunLeavesItsRecord() async throws {
        let server = try Self.llmServer()
        defer { server.stop() }
        let env = environment(server, dataDir: Self.tempDir())
        let cfg = smallConfig().with {
            $0.evolution.iterations = 2
            $0.switchAt = 1
        }
        let engine = try await Engine.create(config: cfg, environment: env, runID: "ended")
        _ = await engine.runToEnd { _ in }
        await engine.moveSwitch(by: 1)
        let live = await engine.config.switchAt
        XCTAssertEqual(live, 2, "the restart gets it")
        let saved = try await RunStore(path: env.databasePath).run("ended")
        let savedConfig = try JSONDecoder().decode(RunConfig.self, from: Data(try XCTUnwrap(saved).config.utf8))
        XCTAssertEqual(savedConfig.switchAt, 1)
    }

    /// `[`/`]` are judged by the engine too, relative to its own constraint: presses sent at
    /// once compose, GFLOPs round to what the header shows, and a run without one is told so.
    func testConstraintSteeringIsRelativeAndRounded() async throws {
        let st = RunState(seed: 0)
        XCTAssertEqual(
            SteeringRules.scaledConstraint(.init(gflops: 0.055), tighter: false, state: st).constraint?.gflops, 0.058)
        let none = SteeringRules.scaledConstraint(.init(), tighter: true, state: st)
        XCTAssertNil(none.constraint)
        XCTAssertEqual(none.message, "this run has no constraint to change")
        let server = try Self.llmServer()
        defer { server.stop() }
        let engine = try await Engine.create(
            config: smallConfig().with { $0.constraint = .init(latencyMs: 20, hardware: "raspi4") },
            environment: environment(server, dataDir: Self.tempDir()))
        await withTaskGroup(of: Void.self) { g in
            for _ in 0..<3 { g.addTask { await engine.scaleConstraint(tighter: true) } }
        }
        let now = await engine.config.constraint
        XCTAssertEqual(now, .init(latencyMs: 17.15, hardware: "raspi4"))
    }

    /// A run whose answers all come from the cache lists the calls that paid for them (it
    /// listed none, so the explorer had no prompt to inspect on a second start).
    func testARunAnsweredFromTheCacheListsTheCallsItReused() async throws {
        let server = try Self.llmServer()
        defer { server.stop() }
        let env = environment(server, dataDir: Self.tempDir())
        let cfg = smallConfig().with {
            $0.evolution.iterations = 1
            $0.switchAt = 1
        }
        let first = try await Engine.create(config: cfg, environment: env, runID: "first")
        _ = await first.runToEnd { _ in }
        let paid = server.requestCount
        let second = try await Engine.create(config: cfg, environment: env, runID: "second")
        let reported = Mutex(-1)
        let state = await second.runToEnd { events in
            for await e in events {
                if case .labelProgress(_, _, _, let c) = e { reported.withLock { $0 = c } }
            }
        }
        XCTAssertEqual(server.requestCount, paid, "every answer from the cache")
        XCTAssertEqual(state.counters.cachedAnswers, state.labelsDone)
        // The rates watchers show leave these out: they took no time.
        XCTAssertEqual(reported.withLock { $0 }, state.labelsDone)
        let fromCache = await second.snapshot().answersFromCache
        XCTAssertEqual(fromCache, [.labelling: state.labelsDone])
        // Relayed by tasks of their own: the last may land just after the run's end.
        var calls = await second.watched.calls
        for _ in 0..<100 where calls.count < state.labelsDone {
            try await Task.sleep(nanoseconds: 20_000_000)
            calls = await second.watched.calls
        }
        XCTAssertEqual(calls.count, state.labelsDone)
        XCTAssertEqual(Set(calls.map(\.run)), ["first"])
        // Resumed, it lists them again (it listed none: it owns no call of its own).
        let resumed = try await Engine.resume(runID: "second", environment: env)
        let listed = await resumed.watched.calls
        XCTAssertEqual(Set(listed.map(\.id)), Set(calls.map(\.id)))
        XCTAssertEqual(listed.map(\.id), listed.map(\.id).sorted(by: >), "newest first")
    }

    /// Killed before its first unit, a run without --evaluate-llm resumes into labelling, not
    /// into the LLM-PP evaluation (20 paid calls nobody asked for).
    func testAFreshRunSavesItsFirstPhase() async throws {
        var cfg = smallConfig()
        cfg.evaluateLLM = false
        let server = try Self.llmServer()
        defer { server.stop() }
        let dir = Self.tempDir()
        _ = try await Engine.create(config: cfg, environment: environment(server, dataDir: dir), runID: "fresh")
        let resumed = try await Engine.resume(runID: "fresh", environment: environment(server, dataDir: dir))
        let phase = await resumed.state.phase
        XCTAssertEqual(phase, .labelling)
    }

    /// An external evaluator may say what each evaluation cost (`"seconds"`); search hours
    /// count that instead of the batch's wall time.
    func testReportedSecondsAreTheExpensiveCost() async throws {
        let script = Self.tempDir() + "/costed.py"
        try FileManager.default.createDirectory(
            atPath: (script as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
        import json, sys
        for line in sys.stdin:
            o = json.loads(line)
            print(json.dumps({"id": o["id"], "score": 25.0, "seconds": 100}))
        """.write(toFile: script, atomically: true, encoding: .utf8)
        var cfg = smallConfig()
        cfg.labels = 0
        cfg.switchAt = 0
        cfg.evolution.iterations = 1
        cfg.evaluator = .init(kind: "external", command: "python3 \(script)")
        let server = try Self.llmServer()
        defer { server.stop() }
        let engine = try await Engine.create(
            config: cfg, environment: environment(server, dataDir: Self.tempDir()), runID: "costed")
        await engine.start()
        let st = await engine.wait()
        XCTAssertNil(st.error)
        XCTAssertGreaterThan(st.counters.expensiveEvaluations, 0)
        XCTAssertEqual(st.expensiveSeconds ?? 0, 100 * Double(st.counters.expensiveEvaluations), accuracy: 1e-9)
        let snap = await engine.snapshot()
        XCTAssertEqual(snap.costLabel, "the seconds the evaluator reported (else wall time)")

        let some = Data("{\"id\": \"a\", \"score\": 1, \"seconds\": 3}\n{\"id\": \"b\", \"score\": 2}\n".utf8)
        XCTAssertEqual(try ExternalEvaluator.parseAnswers(some, command: "x")["a"], .init(score: 1, seconds: 3))
        XCTAssertThrowsError(
            try ExternalEvaluator.parseAnswers(
                Data("{\"id\": \"a\", \"score\": 1, \"seconds\": -4}".utf8), command: "x")
        ) {
            XCTAssertTrue("\($0)".contains("reported \"seconds\" that are not a number in 0...1e9 on line 1"), "\($0)")
        }
        // 1e308 a line summed to infinity (the run could not be saved); CRLF lines were one line
        // of garbage; a repeated id silently kept the last answer.
        XCTAssertThrowsError(
            try ExternalEvaluator.parseAnswers(
                Data("{\"id\": \"a\", \"score\": 1, \"seconds\": 1e308}".utf8), command: "x"))
        // A score out of range was reported as garbage, sending the user to look for broken JSON.
        XCTAssertThrowsError(
            try ExternalEvaluator.parseAnswers(Data("{\"id\": \"a\", \"score\": -1e308}".utf8), command: "x")
        ) { XCTAssertTrue("\($0)".contains("answered a score out of range (|score| <= 1e12) on line 1"), "\($0)") }
        let crlf = Data("{\"id\": \"a\", \"score\": 1}\r\n{\"id\": \"b\", \"score\": 2}\r\n".utf8)
        XCTAssertEqual(try ExternalEvaluator.parseAnswers(crlf, command: "x").count, 2)
        XCTAssertThrowsError(
            try ExternalEvaluator.parseAnswers(
                Data("{\"id\": \"a\", \"score\": 1}\n{\"id\": \"a\", \"score\": 2}\n".utf8), command: "x")
        ) { XCTAssertTrue("\($0)".contains("answered 'a' twice (line 2)"), "\($0)") }
    }

    /// Scores of exactly 0 and 1 (an accuracy in [0, 1]) are numbers, not booleans: Linux's
    /// NSNumber answers `is Bool` for them, which rejected them as garbage on every resume.
    func testEvaluatorScoresOfZeroAndOneAndBooleans() throws {
        let out = Data(
            "{\"id\": \"a\", \"score\": 1.0}\n{\"id\": \"b\", \"score\": 0}\n{\"id\": \"c\", \"score\": 1}\n".utf8)
        XCTAssertEqual(try ExternalEvaluator.parseScores(out, command: "x"), ["a": 1, "b": 0, "c": 1])
        XCTAssertThrowsError(
            try ExternalEvaluator.parseScores(Data("{\"id\": \"a\", \"score\": true}".utf8), command: "x")
        ) {
            XCTAssertTrue("\($0)".contains("answered garbage on line 1"), "\($0)")
        }
        // An evaluator's escape sequences are shown, not executed.
        XCTAssertThrowsError(
            try ExternalEvaluator.parseScores(Data("\u{1B}]0;pwned\u{07}\u{1B}[2J".utf8), command: "x")
        ) {
            XCTAssertFalse("\($0)".contains("\u{1B}"), "\($0)")
            XCTAssertTrue("\($0)".contains("\\u{1b}]0;pwned"), "\($0)")
        }
    }
}

extension EngineTests {
    /// A student whose loss became NaN used to be saved: `cannot save the run:
    /// EncodingError.invalidValue: nan`, then the same on every resume. The run now stops with
    /// the divergence named, its state saved without NaN. (The learning rate is set in the
    /// stored config: the option itself is refused above 1.)
    func testDivergingTrainingStopsTheRunAndSavesNoNaN() async throws {
        let server = try Self.llmServer()
        defer { server.stop() }
        let dir = Self.tempDir()
        let env = environment(server, dataDir: dir)
        _ = try await Engine.create(config: smallConfig(), environment: env, runID: "diverging")
        let store = try RunStore(path: env.databasePath)
        let hot = smallConfig().with { $0.training.learningRate = 1e30 }
        try await store.updateConfig(
            id: "diverging", config: String(decoding: try JSONEncoder().encode(hot), as: UTF8.self))
        let engine = try await Engine.resume(runID: "diverging", environment: env)
        await engine.start()
        let state = await engine.wait()
        let error = try XCTUnwrap(state.error)
        XCTAssertTrue(error.hasPrefix("training diverged (loss "), error)
        XCTAssertTrue(error.hasSuffix("): lower --train-lr"), error)
        XCTAssertEqual(state.phase, .training)
        XCTAssertEqual(state.trainingStep, 0)
        XCTAssertTrue(state.lossCurve.allSatisfy(\.isFinite))
        let row = try await store.run("diverging")!
        XCTAssertEqual(row.status, "failed")
        XCTAssertTrue(row.state.contains("training diverged"), row.state)
        // Resumable: the same run opens again (and would diverge again at this rate).
        let again = try await Engine.resume(runID: "diverging", environment: env)
        let phase = await again.state.phase
        XCTAssertEqual(phase, .training)
    }

    /// A run the user paused comes back paused in the explorer (it came back running); a
    /// pause made by quitting does not count as the user's.
    func testAUserPauseIsKeptAcrossAResume() async throws {
        let server = try Self.llmServer()
        defer { server.stop() }
        let env = environment(server, dataDir: Self.tempDir())
        var cfg = smallConfig()
        cfg.labels = 0
        cfg.switchAt = 0
        let engine = try await Engine.create(config: cfg, environment: env, runID: "paused-by-user")
        await engine.pause(byUser: true)
        var st = try await Engine.resume(runID: "paused-by-user", environment: env).state
        XCTAssertEqual(st.pausedByUser, true)
        XCTAssertFalse(st.paused)
        let again = try await Engine.resume(runID: "paused-by-user", environment: env)
        await again.resume()
        await again.pause()  // as a quit does
        st = try await Engine.resume(runID: "paused-by-user", environment: env).state
        XCTAssertNil(st.pausedByUser, "resuming cleared it, and the quit's pause is not the user's")
    }

    /// Resumed (Space) while a step of `n` still runs, the run waits for that step and goes on:
    /// the run loop called step() again and again, each call returning at once, and held the
    /// actor in a spin the step itself, steering and a quit could never get into.
    func testResumingDuringAStepWaitsForItInsteadOfSpinning() async throws {
        let server = try Self.llmServer(delay: 0.3) { truth, _ in truth }
        defer { server.stop() }
        let env = environment(server, dataDir: Self.tempDir())
        let engine = try await Engine.create(config: smallConfig(), environment: env, runID: "step-then-resume")
        await engine.pause(byUser: true)
        let manual = Task { await engine.step() }
        while await !engine.stepping { try await Task.sleep(nanoseconds: 5_000_000) }
        await engine.resume()
        // The actor answers while the step is in flight (it never did), and nothing piles up.
        let answered = Task {
            let queued = await engine.queuedSteps
            return queued
        }
        let deadline = Task {
            try await Task.sleep(nanoseconds: 10_000_000_000)
            answered.cancel()
        }
        let queued = await answered.value
        deadline.cancel()
        XCTAssertEqual(queued, 0)
        await manual.value
        let afterStep = await engine.state.labelsDone
        XCTAssertGreaterThan(afterStep, 0, "the step's unit was counted")
        // The loop goes on after it, and a pause stops it.
        while await engine.state.labelsDone == afterStep { try await Task.sleep(nanoseconds: 10_000_000) }
        await engine.pause()
        let st = await engine.wait()
        XCTAssertTrue(st.paused)
        XCTAssertNil(st.error)
    }

    /// A corrupted row used to surface as a bare decoding trace, naming neither run nor file.
    func testACorruptedRowIsReportedWithItsRun() async throws {
        let server = try Self.llmServer()
        defer { server.stop() }
        let env = environment(server, dataDir: Self.tempDir())
        _ = try await Engine.create(config: smallConfig(), environment: env, runID: "torn")
        try await RunStore(path: env.databasePath).updateConfig(id: "torn", config: #"{"space": 7}"#)
        do {
            _ = try await Engine.resume(runID: "torn", environment: env)
            XCTFail("a corrupted configuration was resumed")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(
                text.hasPrefix("run 'torn' in \(env.databasePath): its saved configuration cannot be read"), text)
            XCTAssertTrue(text.contains("at 'space'"), text)
        }
    }

    /// The external evaluator used to inherit the providers' API keys.
    func testExternalEvaluatorGetsNoProviderKeysUnlessPassed() async throws {
        let env = ["OPENAI_API_KEY": "sk-1", "ANTHROPIC_API_KEY": "sk-2", "PATH": "/bin", "HOME": "/h"]
        XCTAssertEqual(ExternalEvaluator.childEnvironment(env, passing: []), ["PATH": "/bin", "HOME": "/h"])
        XCTAssertEqual(
            ExternalEvaluator.childEnvironment(env, passing: ["OPENAI_API_KEY"]),
            ["PATH": "/bin", "HOME": "/h", "OPENAI_API_KEY": "sk-1"])
        // End to end: a command that prints what it sees as its score.
        let old = ProcessInfo.processInfo.environment["OPENAI_API_KEY"]
        setenv("OPENAI_API_KEY", "sk-test-secret", 1)
        defer { if let old { setenv("OPENAI_API_KEY", old, 1) } else { unsetenv("OPENAI_API_KEY") } }
        let s = try Self.space()
        var rng = SeededGenerator(seed: 3)
        let arch = s.shape.random(using: &rng)
        let cmd =
            #"python3 -c 'import json, os, sys; [print(json.dumps({"id": json.loads(l)["id"], "score": len(os.environ.get("OPENAI_API_KEY", ""))})) for l in sys.stdin]'"#
        let hidden = try await ExternalEvaluator(command: cmd, space: s, timeout: 30).evaluate([arch])
        XCTAssertEqual(hidden, [0])
        let passed = try await ExternalEvaluator(
            command: cmd, space: s, timeout: 30, passEnvironment: ["OPENAI_API_KEY"]
        ).evaluate([arch])
        XCTAssertEqual(passed, [Double("sk-test-secret".count)])
    }
}

extension RunConfig {
    func with(_ f: (inout RunConfig) -> Void) -> RunConfig {
        var c = self
        f(&c)
        return c
    }
    func validated() throws -> RunConfig {
        if let p = problem { throw EvaluatorError(p) }
        return self
    }
}

/// The anytime schedule: the search starts on a warm-up student, labels land between
/// generations on the architectures it visits, and every generation says which student scored it.
final class AnytimeScheduleTests: XCTestCase {
    final class Sleeps: @unchecked Sendable {
        let lock = NSLock()
        var values: [Double] = []
        func record(_ s: Double) { lock.withLock { values.append(s) } }
    }

    static func config() -> RunConfig {
        var c = EngineTests.smallConfig()
        c.anytime = AnytimeSchedule(warmupLabels: 8, labelsPerGeneration: 4, warmupSteps: 100, retrainSteps: 40)
        c.labels = 16
        c.switchAt = 3
        return c
    }

    func environment(_ server: TestHTTPServer, _ dir: String, sleeps: Sleeps? = nil) -> EngineEnvironment {
        var env = EngineTests.environment(server, dataDir: dir)
        if let sleeps { env.sleep = { sleeps.record($0) } }
        return env
    }

    func testStudentVersionsPerGenerationAndLabelsFromTheSearch() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let engine = try await Engine.create(
            config: Self.config(), environment: environment(server, EngineTests.tempDir()))
        await engine.start()
        let st = await engine.wait()
        XCTAssertNil(st.error)
        XCTAssertTrue(st.finished)
        let log = try XCTUnwrap(st.generationLog)
        XCTAssertEqual(log.map(\.index), [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(log.map(\.scoredBy), [.distill, .distill, .distill, .expensive, .expensive, .expensive])
        XCTAssertEqual(log.map(\.studentLabels), [8, 12, 16, nil, nil, nil])
        XCTAssertEqual(st.labelsDone, 16)
        XCTAssertEqual(server.requestCount, 16)
        // The labels after the warm-up come from the generations the search visited.
        let targets = try XCTUnwrap(st.anytimeTargets)
        XCTAssertEqual(targets.count, 16)
        let s = try EngineTests.space()
        let warmup = Set(targets.prefix(8).map(s.id))
        XCTAssertTrue(targets.dropFirst(8).allSatisfy { !warmup.contains(s.id($0)) })
        XCTAssertNotNil(st.firstGenerationSeconds)
        XCTAssertGreaterThan(st.expensiveSeconds ?? 0, 0)
    }

    /// A quit during an expensive batch's paced sleep charges nothing: the batch's scores are
    /// not kept, the run pays for it again, and its search hours equal an uninterrupted run's
    /// (the batch was charged twice: 1.35 h too many after one quit).
    func testAQuitDuringThePacedSleepChargesTheBatchOnce() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        var config = Self.config()
        config.pace = 1000
        let full = try await Engine.create(
            config: config, environment: environment(server, EngineTests.tempDir(), sleeps: Sleeps()))
        await full.start()
        let a = await full.wait()
        final class OneQuit: @unchecked Sendable {
            let lock = NSLock()
            var quit = false
            func sleep(_ s: Double) throws {
                try lock.withLock {
                    if !quit {
                        quit = true
                        throw CancellationError()
                    }
                }
            }
        }
        let quitOnce = OneQuit()
        var env = environment(server, EngineTests.tempDir())
        env.sleep = { try quitOnce.sleep($0) }
        let engine = try await Engine.create(config: config, environment: env)
        var units = 0
        while await !engine.state.finished && units < 500 {
            await engine.step()
            units += 1
        }
        let b = await engine.state
        XCTAssertTrue(quitOnce.quit, "the sleep was cut once")
        XCTAssertEqual(b.counters.expensiveEvaluations, a.counters.expensiveEvaluations)
        XCTAssertEqual(try XCTUnwrap(b.expensiveSeconds), try XCTUnwrap(a.expensiveSeconds), accuracy: 1e-6)
    }

    /// A run dropped (as by kill -9) at several units and resumed labels the same
    /// architectures, trains the same students and ends with the same result.
    func testResumeAtAnyUnitEqualsAnUninterruptedRun() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let full = try await Engine.create(
            config: Self.config(), environment: environment(server, EngineTests.tempDir()))
        await full.start()
        let a = await full.wait()
        let dir = EngineTests.tempDir()
        var engine = try await Engine.create(
            config: Self.config(), environment: environment(server, dir), runID: "killed")
        var units = 0
        while true {
            let done = await engine.state.finished
            if done { break }
            await engine.step()
            units += 1
            // Every third unit the engine is dropped without a goodbye and resumed from the database.
            if units % 3 == 0 {
                engine = try await Engine.resume(runID: "killed", environment: environment(server, dir))
            }
            XCTAssertLessThan(units, 500)
        }
        let b = await engine.state
        let s = try EngineTests.space()
        XCTAssertEqual(b.anytimeTargets?.map(s.id), a.anytimeTargets?.map(s.id))
        XCTAssertEqual(b.generationLog?.map(\.studentLabels), a.generationLog?.map(\.studentLabels))
        XCTAssertEqual(b.lastGeneration.map(\.id), a.lastGeneration.map(\.id))
        XCTAssertEqual(b.best?.id, a.best?.id)
        XCTAssertEqual(b.best?.score ?? .nan, a.best?.score ?? .nan, accuracy: 1e-6)
        XCTAssertEqual(b.counters.expensiveEvaluations, a.counters.expensiveEvaluations)
    }

    /// Expensive evaluations are charged the data's recorded GPU time; with a pace they sleep
    /// it scaled down; the hours add up.
    func testRecordedCostsPacingAndSearchHours() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        var cfg = Self.config()
        cfg.pace = 1000
        let sleeps = Sleeps()
        let engine = try await Engine.create(
            config: cfg, environment: environment(server, EngineTests.tempDir(), sleeps: sleeps))
        await engine.start()
        let st = await engine.wait()
        XCTAssertNil(st.error)
        let evaluated = Set((try XCTUnwrap(st.generationLog)).filter { $0.scoredBy == .expensive }.map(\.index))
        XCTAssertEqual(evaluated, [3, 4, 5])
        XCTAssertGreaterThan(st.expensiveSeconds ?? 0, 0)
        // One sleep per expensive batch with new architectures, each its recorded cost / 1000.
        XCTAssertEqual(sleeps.values.count, st.generationLog!.filter { $0.newExpensiveEvaluations > 0 }.count)
        XCTAssertEqual(sleeps.values.reduce(0, +), (st.expensiveSeconds ?? 0) / 1000, accuracy: 0.5)
        let snap = await engine.snapshot()
        XCTAssertTrue(snap.costLabel.contains("recorded GPU time"))
        let h = snap.hours
        XCTAssertEqual(h.expensive, (st.expensiveSeconds ?? 0) / 3600, accuracy: 1e-9)
        XCTAssertNotNil(h.saved)
    }

    /// A `--pause-at-switch` run started and left where it stops (the switch, generation 3).
    func runToThePauseAtTheSwitch(_ server: TestHTTPServer) async throws -> (Engine, RunState) {
        var cfg = Self.config()
        cfg.pauseAtSwitch = true
        let engine = try await Engine.create(config: cfg, environment: environment(server, EngineTests.tempDir()))
        await engine.start()
        return (engine, await engine.wait())
    }

    func testPauseAtTheSwitch() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let (engine, st) = try await runToThePauseAtTheSwitch(server)
        XCTAssertTrue(st.paused)
        XCTAssertFalse(st.finished)
        XCTAssertEqual(st.generation, 3)
        XCTAssertEqual(st.switchReachedAt, 3)
        await engine.resume()
        let done = await engine.wait()
        XCTAssertTrue(done.finished)
    }

    /// Paused at the switch, moving it later gives the switch back: it was said to have had
    /// "generations 3-2" scored by the expensive evaluator, and, still marked as reached, the
    /// new switch was neither announced nor paused at.
    func testMovingTheSwitchLaterWhilePausedAtItReachesItAgain() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let (engine, _) = try await runToThePauseAtTheSwitch(server)
        let moved = await engine.moveSwitch(by: 2)
        XCTAssertEqual(
            moved.message,
            "switch point -> generation 5; the 16 labels are all in by generation 2: generations 3-4 reuse its student")
        let unreached = await engine.state.switchReachedAt
        XCTAssertNil(unreached)
        await engine.resume()
        let atNew = await engine.wait()
        XCTAssertTrue(atNew.paused)
        XCTAssertEqual(atNew.generation, 5)
        XCTAssertEqual(atNew.switchReachedAt, 5)
        XCTAssertEqual(atNew.generationLog?.map(\.scoredBy), Array(repeating: ScoreSource.distill, count: 5))
    }
}

/// Spend limits and ownership hold across processes and resumes.
final class RunOwnershipTests: XCTestCase {
    /// `--max-calls 5` used to give 5 more calls at every resume (20 in all after three).
    func testTheBudgetHoldsAcrossResumes() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        var cfg = EngineTests.smallConfig()
        cfg.maxCalls = 5
        let dir = EngineTests.tempDir()
        let env = EngineTests.environment(server, dataDir: dir)
        let first = try await Engine.create(config: cfg, environment: env, runID: "budget")
        await first.start()
        let st = await first.wait()
        XCTAssertTrue(st.error?.contains("budget") ?? false, st.error ?? "no error")
        XCTAssertEqual(server.requestCount, 5)
        for _ in 0..<3 {
            let again = try await Engine.resume(runID: "budget", environment: env)
            await again.start()
            let s = await again.wait()
            XCTAssertTrue(s.error?.contains("budget") ?? false, s.error ?? "no error")
        }
        XCTAssertEqual(server.requestCount, 5, "no call beyond the budget, however often the run is resumed")
    }

    /// Another process holding the run (here `flock`, as a second llmpp would) makes a resume fail
    /// with a clear error instead of running the run twice.
    func testASecondProcessOnTheSameRunIsRefused() async throws {
        let server = try EngineTests.llmServer()
        defer { server.stop() }
        let dir = EngineTests.tempDir()
        let env = EngineTests.environment(server, dataDir: dir)
        do { _ = try await Engine.create(config: EngineTests.smallConfig(), environment: env, runID: "owned") }
        let lock = dir + "/locks/owned.lock"
        let holder = try ChildProcess.spawn(
            "/usr/bin/flock", [lock, "sleep", "20"], environment: ProcessInfo.processInfo.environment, outputPath: nil)
        defer { holder.stop(grace: 0.1) }
        var refused = false
        for _ in 0..<50 where !refused {
            do {
                _ = try await Engine.resume(runID: "owned", environment: env)
                usleep(100_000)
            } catch let e as EngineError {
                guard case .runInUse(id: "owned", _) = e else { return XCTFail("\(e)") }
                refused = "\(e)".contains("already running in another process")
                XCTAssertTrue(refused, "\(e)")
            }
        }
        XCTAssertTrue(refused)
        // A run the database lacks is named as such (the engine's errors were EvaluatorErrors).
        do {
            _ = try await Engine.resume(runID: "nope", environment: env)
            XCTFail("no such run")
        } catch let e as EngineError {
            XCTAssertEqual(e, .noSuchRun(id: "nope", database: env.databasePath))
            XCTAssertTrue("\(e)".hasSuffix("(llmpp runs lists them)"), "\(e)")
        }
    }
}

/// The cadence of "waiting for ..." lines: every 10 s for a minute, then every minute.
final class WaitingTests: XCTestCase {
    func testWaitingLinesAreDueAtTensThenMinutes() {
        XCTAssertNil(Waiting.dueMark(seconds: 9.9, lastMark: 0))
        XCTAssertEqual(Waiting.dueMark(seconds: 10.2, lastMark: 0), 10)
        XCTAssertNil(Waiting.dueMark(seconds: 19, lastMark: 10))
        XCTAssertEqual(Waiting.dueMark(seconds: 41, lastMark: 10), 40)
        XCTAssertNil(Waiting.dueMark(seconds: 100, lastMark: 60))
        XCTAssertEqual(Waiting.dueMark(seconds: 130, lastMark: 60), 120)
        let w = Waiting(what: "the LLM (1 label)", since: Date(timeIntervalSince1970: 0), timeout: 600)
        XCTAssertEqual(
            w.line(now: Date(timeIntervalSince1970: 40.4)), "waiting for the LLM (1 label): 40 s (timeout 600 s)")
        // A line printed late on a busy machine still names its mark (it said "11 s" at the 10 s mark).
        XCTAssertEqual(w.line(atMark: 10), "waiting for the LLM (1 label): 10 s (timeout 600 s)")
        // A retry's back-off says why the wait outlasts the timeout.
        var retrying = w
        retrying.retryNote = "the server asked to retry after 900 s (HTTP 429)"
        XCTAssertEqual(
            retrying.line(atMark: 20),
            "waiting for the LLM (1 label): 20 s (timeout 600 s); the server asked to retry after 900 s (HTTP 429)")
    }
}
