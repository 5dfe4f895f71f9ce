import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore
import LLMPPTestSupport
import XCTest

@testable import LLMPPTUI

/// Snapshot tests of rendered screens, read from the cell buffer as text (`TextSnapshot`).
final class RendererTests: XCTestCase {
    static let snapshots = (Repo.root as NSString).appendingPathComponent("Tests/LLMPPTUITests/Snapshots")
    static func space() throws -> SearchSpace { try Repo.space("nb201-cifar10") }

    func assertSnapshot(_ b: CellBuffer, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try TextSnapshot.assert(b.text, name, directory: Self.snapshots, file: file, line: line)
    }

    /// A deterministic model: a few generations of a seeded NB201 search scored from the table.
    static func model(generations: Int, switchAt: Int = 2, phase: Phase = .search) throws -> ExplorerModel {
        let s = try space()
        var cfg = RunConfig(space: s.id)
        cfg.evolution = EvolutionConfig.scaled(population: 20, iterations: 6)
        cfg.switchAt = switchAt
        cfg.labels = 100
        cfg.training = TrainingConfig(hidden: [8], learningRate: 1e-3, steps: 200, batchSize: 8, seed: 0)
        cfg.constraint = .init(latencyMs: 20, hardware: "raspi4")
        var st = RunState(seed: 1)
        st.phase = phase
        var m = ExplorerModel(config: cfg, state: st)
        m.runID = "search-test"
        m.spaceID = s.id
        m.spaceTitle = s.title
        m.metric = s.task.metric
        m.providerName = "local qwen2.5-coder-1.5b-instruct"
        m.evaluatorName = "12-epoch training"
        m.labelTarget = 100
        m.testCount = 20
        var rng = SeededGenerator(seed: 3)
        let lat = try LatencyModel.make(space: s, hardware: "raspi4", cacheDirectory: nil)
        let truth = s.labelled!.truth["valid"]!
        for g in 0..<generations {
            let src: ScoreSource = g < switchAt ? .distill : .expensive
            var pop: [Candidate] = []
            for _ in 0..<20 {
                let a = s.shape.random(using: &rng)
                let t = try s.lookup(truth, a)!
                let cheap = try s.evaluate(s.cheapEvaluation!, a)
                let d = t - 3 + Double(Int(StableHash.fnv1a64(s.id(a)) % 400)) / 100
                pop.append(
                    Candidate(
                        arch: a, id: s.id(a), generation: g, score: src == .distill ? d : cheap, source: src,
                        distill: d,
                        expensive: src == .expensive ? cheap : nil, truth: t, latencyMs: try lat.latencyMs(a),
                        gflops: try s.flops(a) / 1e9, params: try s.params(a), pinned: false))
            }
            pop.sort { $0.score > $1.score }
            m.history.append(pop)
            m.pareto = paretoFront(pop, score: \.score, latency: { $0.latencyMs! })
            m.state.generation = g + 1
            m.state.best = pop.first
            if g == switchAt { m.state.switchReachedAt = g }
        }
        m.state.labelsDone = 100
        m.state.trainingStep = 200
        m.state.lossCurve = (0..<40).map { 1.0 / Double($0 + 1) }
        m.state.counters = Counters(
            llmCalls: 100, cachedAnswers: 12, failedCalls: 1, tokens: 312_000, costUSD: 0, expensiveEvaluations: 57,
            distillEvaluations: 40)
        m.calls = (0..<6).map { i in
            var r = CallRecord(
                run: "search-test", provider: "local", model: "qwen2.5-coder-1.5b-instruct", parameters: "{}",
                messages:
                    #"[{"role":"system","content":"You estimate the accuracy."},{"role":"user","content":"You are a performance estimator.\n1. The dataset is CIFAR-10.\nHyperparameter definitions:\nnode1-from-node0: op\nExamples: 10 architectures\n\nTest architecture:\nnode1-from-node0: none\naccuracy:"}]"#,
                cacheKey: "k\(i)", sampleIndex: 0, attempt: 1, status: i == 2 ? .unparsed : .ok,
                error: i == 2 ? "no number in the answer" : nil,
                responseText: i == 2 ? "I think it is good" : "{\"accuracy\": 8\(i).5}",
                parsedValue: i == 2 ? nil : 80.5 + Double(i), tokensIn: 2900, tokensOut: 9, latencyMs: 2500, costUSD: 0,
                archID: "a\(i)")
            r.id = Int64(100 - i)
            if i == 0 {
                r.distribution =
                    ScoreDistribution(
                        points: [.init(80.05, 0.1), .init(80.55, 0.45), .init(81.05, 0.3), .init(83.55, 0.15)],
                        source: .digitTree, greedy: 80.55)?.jsonText
            }
            return r
        }
        m.quality = [
            (
                "valid",
                [
                    PredictorQuality(name: "LLM-Distill-PP", perSeed: [("5", 1.23, 0.61)]),
                    PredictorQuality(name: "Demo mean (reference)", perSeed: [("5", 2.5, nil)]),
                    PredictorQuality(name: BaselineReport.ridgeName, perSeed: [("5", 0.8, 0.7)]),
                ]
            )
        ]
        m.qualityPoints = (0..<20).map { i in
            let t = 80 + Double(i % 7) * 1.3
            return QualityPoint(
                archID: "a\(i)", truth: t, llmpp: i % 2 == 0 ? t + Double(i % 5) - 2 : nil,
                student: t + Double(i % 3) - 1)
        }
        return m
    }

    func testInspectorShowsTheAnswerDistribution120x40() throws {
        var m = try Self.model(generations: 4)
        m.focus = .prompt
        m.selectedCall = 0
        let b = Renderer.render(m, width: 120, height: 40)
        try assertSnapshot(b, "inspector-distribution-120x40")
        XCTAssertTrue(b.text.contains("median 80.55"), b.text)
        XCTAssertTrue(b.text.contains("truth 80.00"), b.text)
        XCTAssertTrue(b.text.contains("◀ median"), b.text)
    }

    /// A call another run paid for, listed because this run reused its answer, says so in the
    /// list and in the inspector.
    func testACachedAnswersCallIsMarked() throws {
        var m = try Self.model(generations: 4)
        m.runID = "search-test"
        m.calls[1].run = "search-earlier"
        m.focus = .prompt
        m.selectedCall = 1
        let text = Renderer.render(m, width: 120, height: 40).text
        XCTAssertTrue(text.contains("#99    cached"), text)
        XCTAssertTrue(text.contains("asked by run search-earlier; this run reused"), text)
        XCTAssertTrue(text.contains("answer from the cache"), text)
        XCTAssertTrue(text.contains("#100   ok"), text)
        // The pane's count says how many are other runs' (it disagreed with the header's).
        XCTAssertTrue(text.contains("3 LLM calls · 6 (1 reused from the cache)"), text)
    }

    /// `f` in the calls pane says what it shows (the status line kept an older message).
    func testCallFilterSaysWhatItShows() throws {
        var m = try Self.model(generations: 4)
        m.focus = .calls
        let layout = Layout(m, width: 120, height: 40)
        _ = Controller.handle(.char("f"), &m, layout: layout)
        XCTAssertEqual(m.message, "calls: ok only (5); f shows the next status")
        _ = Controller.handle(.char("f"), &m, layout: layout)
        XCTAssertEqual(m.message, "calls: unparsed only (1); f shows the next status")
        _ = Controller.handle(.char("f"), &m, layout: layout)
        _ = Controller.handle(.char("f"), &m, layout: layout)
        XCTAssertEqual(m.message, "calls: all (6)")
    }

    /// An anytime run labels on while it searches: the bar's count says labels, not the
    /// finished training's "step 200/200" beside a bar that is not full.
    func testLabelsStillComingAreCountedDuringTheSearch() throws {
        var m = try Self.model(generations: 4)
        m.labelTarget = 120
        XCTAssertTrue(
            Renderer.phaseTexts(m, compact: false).contains { $0.hasPrefix("100/120") },
            "\(Renderer.phaseTexts(m, compact: false))")
        m.labelTarget = 100
        // Training over and no retraining to come: "trained" (the "step 200/200" stood to the end).
        XCTAssertTrue(Renderer.phaseTexts(m, compact: false).contains { $0.hasPrefix("trained") })
        // Before an anytime run's switch the student is still retrained: its steps show.
        m.config.anytime = AnytimeSchedule()
        m.config.switchAt = 10
        m.state.trainingStep = m.config.firstTrainingSteps
        XCTAssertTrue(
            Renderer.phaseTexts(m, compact: false).contains { $0.hasPrefix("step ") },
            "\(Renderer.phaseTexts(m, compact: false))")
    }

    /// Before an anytime run's first generation the plot said "the search starts after
    /// labelling" beside a bar of all 72 labels, and a new user expected the bar's hour: it
    /// says when generation 0 comes, and the bar marks the warm-up's end like the switch.
    func testAnAnytimeRunSaysItsSearchStartsAfterTheWarmUp() throws {
        var m = try Self.model(generations: 0, phase: .labelling)
        m.config.anytime = AnytimeSchedule(warmupLabels: 16, labelsPerGeneration: 4)
        m.labelTarget = 72
        m.state.labelsDone = 8
        let text = Renderer.render(m, width: 160, height: 45).text
        XCTAssertTrue(text.contains("the search starts after 16 warm-up labels (8 in) and a short"), text)
        m.config.evolution = EvolutionConfig.scaled(population: 20, iterations: 30)
        m.config.switchAt = 15
        XCTAssertEqual(m.labelGoal, 72)
        XCTAssertEqual(Renderer.progress(of: .labelling, m).mark ?? .nan, 16.0 / 72, accuracy: 1e-9)
        m.config.anytime = nil
        XCTAssertNil(Renderer.progress(of: .labelling, m).mark)
        XCTAssertTrue(Renderer.render(m, width: 160, height: 45).text.contains("the search starts after labelling"))
    }

    /// With a call selected, newer calls arrive above the view: the header says how many (the
    /// list started at #40 of 45 with nothing to say so).
    func testNewerCallsAboveTheViewAreCounted() throws {
        var m = try Self.model(generations: 2)
        let many = (0..<60).map { i -> CallRecord in
            var c = m.calls[0]
            c.id = Int64(1000 - i)
            return c
        }
        m.calls = many
        m.focus = .calls
        XCTAssertFalse(Renderer.render(m, width: 160, height: 45).text.contains("newer (g)"))
        m.selectedCall = 40
        m.callScroll = 30
        let text = Renderer.render(m, width: 160, height: 45).text
        let top = text.split(separator: "\n").first { $0.contains("newer (g)") }
        XCTAssertTrue(top?.contains("↑ 30 newer (g)") == true, text)
    }

    /// `llmpp` alone searches without a constraint: the header said a bare "none" between the
    /// hours and the pace (a new user asked what there was none of).
    func testAnUnconstrainedRunSaysSoInTheHeader() throws {
        var m = try Self.model(generations: 2)
        XCTAssertTrue(Renderer.render(m, width: 160, height: 45).text.contains("latency <= 20 ms on raspi4"))
        m.config.constraint = .init()
        let header = Renderer.render(m, width: 160, height: 45).text.split(separator: "\n").prefix(3).joined()
        XCTAssertTrue(header.contains("· no constraint"), header)
        XCTAssertFalse(header.contains("· none"), header)
    }

    /// At 80x24 the quality pane shows the student beside its references: the two-line legend
    /// left room for the LLM-Distill-PP row alone. The legend shrinks to one line, then goes.
    func testTheQualityPaneKeepsItsRowsAt80x24() throws {
        var m = try Self.model(generations: 4)
        var text = Renderer.render(m, width: 80, height: 24).text
        for row in ["LLM-Distill-PP", "Demo mean", "Ridge on features (demos)", "better: MAE lower", "Kendall"] {
            XCTAssertTrue(text.contains(row), "\(row) in\n\(text)")
        }
        m.quality[0].1.append(PredictorQuality(name: BaselineReport.lineName, perSeed: [("5", 0.9, 0.6)]))
        text = Renderer.render(m, width: 80, height: 24).text
        XCTAssertTrue(text.contains("Line on log #params (dem…") && !text.contains("MAE lower"), text)
        // Rows that do not fit are said (at 80x24 three of seven went unsaid).
        m.quality[0].1 += ["HAT", "Layer-wise MoS", "Neuron-wise MoS"].map {
            PredictorQuality(name: $0, perSeed: [("5", 1.0, 0.7)])
        }
        text = Renderer.render(m, width: 80, height: 24).text
        XCTAssertTrue(text.contains("+4 more rows: 5 then z shows them"), text)
        m.quality[0].1.removeLast(3)
        // A short pane keeps the shifted baselines and the fits before the paper's raw rows.
        let raw = PredictorQuality(name: "HAT", perSeed: [("5", 1.1, 0.7)])
        let shifted = PredictorQuality(name: BaselineReport.shiftCalibratedName("HAT"), perSeed: [("5", 0.2, 0.7)])
        let order = QualityPane.paneOrder([raw, shifted] + m.quality[0].1).map(\.name)
        XCTAssertEqual(
            order,
            [
                "LLM-Distill-PP", "HAT (shift-calibrated)", BaselineReport.demoMeanName, BaselineReport.ridgeName,
                BaselineReport.lineName, "HAT",
            ])
    }

    /// The plot's keys (colours, front, limit, generations) have a row of their own below
    /// the axes' words: on one row they were cut off below 200 columns. The scatter names
    /// only the marks it draws (a run without LLM-PP showed a key for its ●).
    func testThePlotKeysHaveTheirOwnRowAndTheScatterNamesWhatItDraws() throws {
        var m = try Self.model(generations: 4)
        m.colorBy = .predictor
        for (w, h) in [(80, 24), (120, 40)] {
            let text = Renderer.render(m, width: w, height: h).text
            for key in ["● student ● expensive ━ front ┊ limit"] {
                XCTAssertTrue(text.contains(key), "\(key) at \(w)x\(h):\n\(text)")
            }
        }
        m.colorBy = .generation
        XCTAssertTrue(Renderer.render(m, width: 120, height: 40).text.contains("━ front ┊ limit gen █"))
        // No front is drawn for another y-mode, so no key for one.
        m.plotY = .truth
        XCTAssertFalse(Renderer.render(m, width: 120, height: 40).text.contains("━ front"))
        m.plotY = .used
        XCTAssertTrue(Renderer.render(m, width: 200, height: 60).text.contains("(● LLM-PP, + student)"))
        m.qualityPoints = m.qualityPoints.map {
            QualityPoint(archID: $0.archID, truth: $0.truth, llmpp: nil, student: $0.student)
        }
        let text = Renderer.render(m, width: 200, height: 60).text
        XCTAssertTrue(text.contains("(+ student)") && !text.contains("LLM-PP,"), text)
    }

    /// Rows whose figures read the same are all marked best (#params 0.5903 and GFLOPs 0.5904
    /// both read 0.59; only one had the star).
    func testTiesAsShownAreAllMarkedBest() throws {
        var m = try Self.model(generations: 4)
        m.quality = [
            (
                "valid",
                [
                    PredictorQuality(name: "#params (reference)", perSeed: [("5", nil, 0.5903)]),
                    PredictorQuality(name: "GFLOPs (reference)", perSeed: [("5", nil, 0.5904)]),
                    PredictorQuality(name: "LLM-Distill-PP", perSeed: [("5", 1.2, 0.25)]),
                ]
            )
        ]
        let text = Renderer.render(m, width: 120, height: 40).text
        XCTAssertEqual(text.components(separatedBy: "0.59*").count - 1, 2, text)
    }

    /// An outlier far outside the quartiles is clipped however few the points (an expensive
    /// 9.71 among a dozen scores of 80-89 squashed them into two rows).
    func testAFarOutlierIsClippedAmongFewPoints() {
        let ys = (0..<12).map { 80 + Double($0) * 0.8 } + [9.71]
        let (lo, hi) = PlotGeometry.yRange(ys)
        XCTAssertGreaterThan(lo, 60)
        XCTAssertLessThanOrEqual(lo, 80)
        XCTAssertGreaterThanOrEqual(hi, 88.8)
        // Spread scores keep their whole range.
        XCTAssertEqual(PlotGeometry.yRange([10, 20, 30, 40, 50, 60, 70, 80]).0, 10)
    }

    /// The Label+train bar shows what its count says: the labels while they come in (it showed
    /// the mean of labels and training, 60% full beside "16/72"), then the training.
    func testTheLabelBarFollowsItsCount() throws {
        var m = try Self.model(generations: 4)
        m.labelTarget = 72
        m.state.labelsDone = 16
        XCTAssertEqual(Renderer.progress(of: .labelling, m).fraction, 16.0 / 72, accuracy: 1e-9)
        m.state.labelsDone = 72
        m.state.trainingStep = m.config.firstTrainingSteps / 2
        m.state.phase = .training
        XCTAssertEqual(Renderer.progress(of: .labelling, m).fraction, 0.5, accuracy: 0.01)
        // An anytime run labels until its switch only: moved to 5, 16 + 4 x 4 = 32 labels are
        // all it asks for, and 32 done is done (it stayed "32/72").
        m.config.anytime = AnytimeSchedule(warmupLabels: 16, labelsPerGeneration: 4, warmupSteps: 100, retrainSteps: 40)
        m.config.labels = 72
        m.config.switchAt = 5
        m.state.phase = .search
        m.state.labelsDone = 32
        m.state.trainingStep = 100
        XCTAssertEqual(m.labelGoal, 32)
        XCTAssertFalse(Renderer.phaseTexts(m, compact: false).contains { $0.contains("/72") })
    }

    /// At 80 columns the phase line keeps the search's count and switch whole: the rates' words
    /// and the "scoring: " label give way first (it cut "switch 17" to "switch 1").
    func testThePhaseLineKeepsTheSwitchAt80Columns() throws {
        var m = try Self.model(generations: 4)
        m.config.evolution = EvolutionConfig.scaled(population: 20, iterations: 30)
        m.config.switchAt = 17
        m.state.generation = 12
        let line = Renderer.render(m, width: 80, height: 24).lines[1]
        XCTAssertTrue(line.contains("12/30 switch 17"), line)
        XCTAssertTrue(line.contains("LLM-Distill-PP"), line)
    }

    /// A banned row is marked like a pinned one, until the next population leaves it out.
    func testABannedRowIsMarked() throws {
        var m = try Self.model(generations: 4)
        let id = try XCTUnwrap(m.tableRows.first?.id)
        m.state.banned = [id]
        XCTAssertTrue(Renderer.render(m, width: 120, height: 40).text.contains("x" + id), id)
    }

    /// Without a constraint the x-axis still names the device its latencies are predicted on.
    func testTheLatencyAxisNamesItsDevice() throws {
        var m = try Self.model(generations: 4)
        m.config.constraint = .init()
        m.defaultLatencyDevice = "gpu-default"
        XCTAssertTrue(Renderer.render(m, width: 120, height: 40).text.contains("x ms gpu-default"))
    }

    /// h/l over the plot say which architecture the ◆ is on, and c says what colours mean.
    func testPlotMovesAndColoursAreSaid() throws {
        var m = try Self.model(generations: 4)
        m.focus = .plot
        let layout = Layout(m, width: 120, height: 40)
        _ = Controller.handle(.char("l"), &m, layout: layout)
        let id = try XCTUnwrap(m.selected?.id)
        XCTAssertTrue(m.message.hasPrefix("◆ \(id): "), m.message)
        _ = Controller.handle(.char("c"), &m, layout: layout)
        XCTAssertEqual(m.message, "points coloured by predictor")
        // The legend keys the two colours (left to guess before).
        let text = Renderer.render(m, width: 160, height: 40).text
        XCTAssertTrue(text.contains("● student ● expensive"), text)
    }

    func testMidSearchAfterTheSwitch120x40() throws {
        let m = try Self.model(generations: 4)
        let b = Renderer.render(m, width: 120, height: 40)
        try assertSnapshot(b, "mid-search-120x40")
        XCTAssertTrue(b.text.contains("2 scales"), "the plot says when it mixes the student's and the expensive scale")
        // Pane 5 says what its numbers mean and marks the best of each column.
        XCTAssertTrue(b.text.contains("Kendall: 1 = same order, 0 = random; * best"), b.text)
        XCTAssertTrue(b.text.contains("*"), b.text)
        // The table's count says why it is smaller than the population (it said "58 rows").
        var bigger = m
        bigger.config.evolution.population = 125
        let text = Renderer.render(bigger, width: 120, height: 40).text
        XCTAssertTrue(text.contains("\(m.population.count) distinct of 125"), "repeats merged: the count says so")
        XCTAssertTrue(b.text.contains("┃"), "the switch point on the generation strip")
        // A device saved from a few measurements says what its latencies rest on.
        var adapted = m
        adapted.latencyMeasurements = 10
        XCTAssertTrue(
            Renderer.render(adapted, width: 200, height: 40).text.contains("(latency model from 10 measurements)"))
        XCTAssertTrue(
            b.text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots in the plot")
        // A calibrated run's rows keep their calibration readable in the table's name column.
        var calibrated = m
        calibrated.quality = [
            (
                "valid",
                [
                    PredictorQuality(name: "LLM-PP (shift-calibrated)", perSeed: [("5", 0.9, 0.5)]),
                    PredictorQuality(name: "LLM-Distill-PP (shift-calibrated)", perSeed: [("5", 1.1, 0.6)]),
                ]
            )
        ]
        let names = Renderer.render(calibrated, width: 120, height: 40).text
        XCTAssertTrue(names.contains("LLM-Distill-PP (shift-cal.)"), names)
        XCTAssertTrue(names.contains("LLM-PP (shift-cal.)"), names)
    }

    func testEmptyAndLabellingStates() throws {
        var m = try Self.model(generations: 0, phase: .labelling)
        m.state.labelsDone = 37
        m.state.lossCurve = []
        m.calls = []
        m.quality = []
        try assertSnapshot(Renderer.render(m, width: 100, height: 30), "labelling-100x30")
    }

    /// Header line 3 at 140 columns after the switch keeps hours and pace, in short forms (the
    /// greedy drop left 85 columns used, without hours, constraint and pace).
    func testTheCountersLineUsesShortFormsBeforeDroppingParts() throws {
        var m = try Self.model(generations: 20, phase: .search)
        m.config.pace = 2000
        m.costLabel = "recorded GPU time (12 epochs)"
        m.state.llmSeconds = 180
        m.state.expensiveSeconds = 7740
        m.state.counters.expensiveEvaluations = 152
        m.state.studentScoredIDs = Set((0..<300).map { "a\($0)" })
        let line = Renderer.countersLine(m, width: 140)
        XCTAssertLessThanOrEqual(line.count, 140)
        // The constraint stays beside the hours in its short form, and outranks the pace (it
        // gave way to the pace for want of room).
        for part in ["best ", "h: LLM 0.05 + exp 2.15, saved", "<=20 ms raspi4", "exp evals 152"] {
            XCTAssertTrue(line.contains(part), "\(part) in \(line)")
        }
        XCTAssertFalse(line.contains("pace"), line)
        let narrower = Renderer.countersLine(m, width: 120)
        XCTAssertTrue(narrower.contains("20 ms on raspi4") && !narrower.contains("pace"), narrower)
        let wider = Renderer.countersLine(m, width: 160)
        XCTAssertTrue(wider.contains("pace 2000x") && wider.contains("20 ms"), wider)
        let wide = Renderer.countersLine(m, width: 300)
        XCTAssertTrue(wide.contains("hours: LLM 0.05 + expensive 2.15 (recorded)"), wide)
    }

    /// After the switch the search's rate and ETA count from it: the student's generations
    /// (and the labels they waited for) made an ETA of 1h20m for two minutes of expensive ones.
    func testTheSearchRateCountsFromTheSwitch() throws {
        var m = try Self.model(generations: 5, phase: .search)
        let t0 = Date(timeIntervalSince1970: 3_000_000)
        m.phaseClocks[.search] = (t0, 0)
        m.state.generation = 5
        m.config.evolution.iterations = 30
        m.now = t0.addingTimeInterval(600)
        XCTAssertEqual(m.rate(.search).rateText, "30.0/h")
        m.hear(.switchReached(generation: 5))
        // Said on the status line (only headless runs said it).
        XCTAssertEqual(m.message, "switch: from generation 5 the 12-epoch training scores (v: y-axis)")
        // Whole beside the keys at 160 columns (the longer wording was cut there).
        let status = Renderer.render(m, width: 160, height: 45).text.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(status.contains("(v: y-axis)"), status)
        m.state.generation = 7
        m.now = t0.addingTimeInterval(620)
        XCTAssertEqual(m.rate(.search).rateText, "6.0/min")
        XCTAssertEqual(m.rate(.search).etaSeconds ?? 0, 230, accuracy: 1e-6)
    }

    /// Time paused is no work: the rate and ETA leave it out when the run goes on (a 10-minute
    /// pause halved the rate and doubled the ETA). A step of `n` while paused counts as work.
    func testTimePausedIsLeftOutOfTheRate() throws {
        var m = try Self.model(generations: 5, phase: .search)
        let t0 = Date(timeIntervalSince1970: 3_000_000)
        m.phaseClocks[.search] = (t0, 0)
        m.config.evolution.iterations = 30
        m.state.generation = 5
        m.now = t0.addingTimeInterval(600)
        XCTAssertEqual(m.rate(.search).rateText, "30.0/h")
        m.state.paused = true
        m.leaveIdleTimeOutOfTheClocks()
        m.now = t0.addingTimeInterval(1200)
        m.unitInFlight = true  // n: one step while paused
        m.leaveIdleTimeOutOfTheClocks()
        m.now = t0.addingTimeInterval(1320)
        m.state.generation = 6
        m.unitInFlight = false
        m.leaveIdleTimeOutOfTheClocks()
        m.now = t0.addingTimeInterval(4000)
        m.state.paused = false
        m.leaveIdleTimeOutOfTheClocks()
        // 6 generations in 600 + 120 s of work: the 600 s and 2680 s paused are left out.
        XCTAssertEqual(m.rate(.search).elapsed, 720, accuracy: 1e-6)
        XCTAssertEqual(m.rate(.search).rateText, "30.0/h")
        XCTAssertNil(m.idleSince)
    }

    /// Labelling shows its rate and ETA, and a slow LLM call is said with its time and limit
    /// (the header used to sit at "0/5" for minutes without a word).
    func testLabellingRateAndASlowCallAreShown() throws {
        var m = try Self.model(generations: 0, phase: .labelling)
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        m.phaseClocks[.labelling] = (t0, 10)
        m.state.labelsDone = 40
        m.labelTarget = 100
        m.now = t0.addingTimeInterval(600)
        m.waiting = Waiting(what: "the LLM (4 labels)", since: t0.addingTimeInterval(560), timeout: 600, retried: true)
        let b = Renderer.render(m, width: 120, height: 30)
        XCTAssertTrue(b.text.contains("40/100 · 3.0/min · 10m00s · ETA 20m00s"), b.text)
        XCTAssertTrue(b.text.contains("waiting for the LLM (4 labels): 40 s (timeout 600 s per attempt)"), b.text)
        m.waiting = Waiting(what: "the LLM (4 labels)", since: t0.addingTimeInterval(598), timeout: 600)
        XCTAssertFalse(
            Renderer.render(m, width: 120, height: 30).text.contains("waiting for"), "a call under 5 s is not news")
        // 20 of the 30 new labels came from the cache in no time: 10 in 10 minutes, 60 left.
        m.cachedAnswers[.labelling] = 20
        XCTAssertTrue(
            Renderer.render(m, width: 120, height: 30).text.contains("40/100 · 1.0/min · 10m00s · ETA 1h00m"),
            Renderer.render(m, width: 120, height: 30).text)
    }

    /// What the run waits on turns a spinner with its time beside the last message; every
    /// running phase shows rate, elapsed and ETA (the first answer of the local model used
    /// to take ~50 s with nothing moving, then `11/3000` with no rate).
    func testSpinnerWithTheProviderActivityAndPhaseRates() throws {
        var m = try Self.model(generations: 2, phase: .search)
        let t0 = Date(timeIntervalSince1970: 2_000_000)
        m.phaseClocks[.search] = (t0, 0)
        m.now = t0.addingTimeInterval(12.34)
        m.activity = Activity("starting the local llama-server (qwen): loading the model", since: t0)
        m.message = "theme: dark"
        let b = Renderer.render(m, width: 160, height: 30)
        let status = b.text.components(separatedBy: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }!
        XCTAssertTrue(
            status.contains("\(Renderer.spinner(m)) starting the local llama-server (qwen): loading the model: 12 s"),
            status)
        XCTAssertTrue(status.contains("theme: dark"), "the message stays beside it: \(status)")
        // At 80 columns a key's short answer keeps its room and the wait line is cut (the
        // answer was cut after it); a long message gives way to the wait line.
        m.message = "pinned 3f2a9c01be77"
        var line = Renderer.render(m, width: 80, height: 24).text.components(separatedBy: "\n").last!
        XCTAssertTrue(line.contains("starting the local llama-server (q") && line.contains("…"), line)
        XCTAssertTrue(line.contains(" pinned 3f2a9c01be77"), line)
        m.message = "estimate: ~6m10s (labels 40 × 3.1 s = 2m04s · training 500 steps · search 30 generations)"
        line = Renderer.render(m, width: 80, height: 24).text.components(separatedBy: "\n").last!
        XCTAssertTrue(line.contains("loading the model: 12 s"), line)
        // A long answer to a key pressed during the wait goes first (it vanished at 80 columns).
        m.message = "injected c07acf112abe: it joins the next population built"
        m.messageShown = (m.message, t0.addingTimeInterval(10))
        line = Renderer.render(m, width: 80, height: 24).text.components(separatedBy: "\n").last!
        XCTAssertFalse(line.hasPrefix(" injected"), "no key pressed: a notice gives way to the wait: \(line)")
        m.lastKeyAt = t0.addingTimeInterval(9.9)
        line = Renderer.render(m, width: 80, height: 24).text.components(separatedBy: "\n").last!
        XCTAssertTrue(line.hasPrefix(" injected c07acf112abe: it joins the next population built   "), line)
        XCTAssertTrue(line.contains("starting the"), line)
        XCTAssertTrue(b.text.contains("2/6 · 9.7/min · 12s · ETA 25s switch"), b.text)
        // The bars give way to the texts: at 120 columns the predictor scoring is still named
        // (the rate used to push it off the edge).
        let narrow = Renderer.render(m, width: 120, height: 30).text.components(separatedBy: "\n")[1]
        XCTAssertTrue(narrow.contains("2/6 · 9.7/min · 12s · ETA 25s switch 2  scoring: 12-epoch training"), narrow)
        XCTAssertEqual(m.redrawInterval, 0.1, "a spinner turns ten times a second")
        m.activity = nil
        XCTAssertEqual(m.redrawInterval, 1, "elapsed and ETA tick each second while running")
        m.state.paused = true
        XCTAssertNil(m.redrawInterval)
        m.asciiOnly = true
        m.activity = Activity("first prompt: processing 3,100 tokens", since: t0)
        XCTAssertEqual(Renderer.spinner(m), "\\", "ASCII frames where the locale is not UTF-8")
        XCTAssertTrue(
            Renderer.render(m, width: 160, height: 30).text.contains("\\ first prompt: processing 3,100 tokens: 12 s"))
    }

    /// A narrow table keeps the id and scrolls sideways to the sort column, marking what is
    /// off to either side (the columns used to be cut at the pane's edge: `expens.   t`).
    func testTableColumnsScrollSidewaysToTheSortColumn() throws {
        var m = try Self.model(generations: 2)
        m.focus = .population
        m.zoomed = false
        let full = TablePane.visibleColumns(sort: .score, width: 200)
        XCTAssertEqual(full.indices, Array(TablePane.columns.indices))
        XCTAssertFalse(full.hiddenLeft || full.hiddenRight)
        let narrow = TablePane.visibleColumns(sort: .score, width: 40)
        XCTAssertEqual(narrow.indices.map { TablePane.columns[$0].1 }, ["id", "gen", "score", "by", "expens."])
        XCTAssertTrue(narrow.hiddenRight && !narrow.hiddenLeft)
        let params = TablePane.visibleColumns(sort: .params, width: 40)
        XCTAssertEqual(params.indices.map { TablePane.columns[$0].1 }, ["id", "lat ms", "GFLOPs", "params"])
        XCTAssertTrue(params.hiddenLeft && !params.hiddenRight)
        m.sort = .params
        let b = Renderer.render(m, width: 80, height: 24)
        XCTAssertTrue(b.text.contains("params▼"), b.text)
        XCTAssertTrue(b.text.contains("◀"), b.text)
        let tiny = TablePane.visibleColumns(sort: .latency, width: 10)
        XCTAssertEqual(tiny.indices, [0], "no room: the id alone, the rest said to be off to the right")
        XCTAssertTrue(tiny.hiddenRight)
    }

    func testErrorStateAndOverlays() throws {
        var m = try Self.model(generations: 3)
        m.state.error = "the evaluator `python3 x.py` exited with status 3"
        m.hear(.error(m.state.error!))
        m.state.paused = true
        try assertSnapshot(Renderer.render(m, width: 100, height: 30), "error-100x30")
        m.mode = .help(HelpView())
        let help = Renderer.render(m, width: 100, height: 40)
        for b in KeyMap.bindings {
            XCTAssertTrue(help.text.contains(String(b.help.prefix(20))), "help lists \(b.label)")
        }
        m.mode = .browse
        m.mode = .detail
        m.focus = .population
        // What the explorer's loop fills in for the selected row.
        m.archText = try Self.space().canonicalText(try XCTUnwrap(m.selected).arch).components(separatedBy: "\n")
        let detail = Renderer.render(m, width: 120, height: 40)
        XCTAssertTrue(detail.text.contains("node1-from-node0: "))
        XCTAssertFalse(detail.text.contains("banned"))
        // A banned row's detail says so, as a pinned one's does (it said nothing).
        m.state.banned = [try XCTUnwrap(m.selected).id]
        XCTAssertTrue(
            Renderer.render(m, width: 120, height: 40).text.contains("banned: the next population leaves it out"))
    }

    func testTooSmallAndASCIIFallback() throws {
        var m = try Self.model(generations: 3)
        let small = Renderer.render(m, width: 60, height: 20)
        XCTAssertTrue(small.text.contains("Terminal too small: 60x20."))
        XCTAssertTrue(small.text.contains("at least 80x24"))
        m.asciiOnly = true
        let ascii = Renderer.render(m, width: 100, height: 30)
        XCTAssertTrue(ascii.text.unicodeScalars.allSatisfy { $0.isASCII }, "ASCII only when the locale is not UTF-8")
        try assertSnapshot(ascii, "ascii-100x30")
    }

    func testOnlyChangedCellsAreBlitted() throws {
        let m = try Self.model(generations: 3)
        let a = Renderer.render(m, width: 100, height: 30)
        var m2 = m
        m2.selectedRow = 1
        let b = Renderer.render(m2, width: 100, height: 30)
        let changes = b.changes(from: a)
        XCTAssertGreaterThan(changes.count, 0)
        XCTAssertLessThan(changes.count, 400, "a selection move redraws a few rows, not the screen")
        XCTAssertEqual(a.changes(from: a).count, 0)
        XCTAssertEqual(a.changes(from: nil).count, 100 * 30)
    }
}

extension RendererTests {
    /// A message longer than the status line ends in "…" before the last cell, which is never
    /// written (the cut went unmarked there).
    func testALongStatusMessageIsMarkedCut() throws {
        var m = try Self.model(generations: 2)
        m.message =
            "estimate: at least 9m42s (labels 72 answers: time unknown (no earlier answers of local qwen2.5 here)"
        let last = try XCTUnwrap(Renderer.render(m, width: 80, height: 24).lines.last)
        XCTAssertEqual(Array(last)[78], "…", last)
    }

    /// A pasted line taller than the inject box trapped the binary (SIGILL in `prefix` with a
    /// negative count, 2,000 characters at 80x24): the box shows the line's end, cut with "…".
    func testAnInjectLineTallerThanTheScreenShowsItsEnd() throws {
        var m = try Self.model(generations: 2)
        for n in [55, 140] {
            let text = String(repeating: "encoder-layer-num-subtransformer: 6; ", count: n) + "END"
            // Its problems stay in view too (a 12,000-character paste hid them all).
            m.mode = .inject(InjectForm(text: text, problems: ["missing 'decoder-layer-num'"]))
            for (w, h) in [(80, 24), (100, 30), (200, 60), (60, 16)] {
                let screen = Renderer.render(m, width: w, height: h).text
                if Layout(m, width: w, height: h).tooSmall { continue }
                XCTAssertTrue(screen.contains("END▏"), "\(w)x\(h):\n\(screen)")
                XCTAssertTrue(screen.contains("✗ missing 'decoder-layer-num'"), "\(w)x\(h):\n\(screen)")
                if h <= 30 { XCTAssertTrue(screen.contains("…"), "\(w)x\(h)") }
            }
        }
    }

    /// Every mode at the smallest supported size and a large one: help (filtered too), the
    /// inject form with its problems, the quit question, the detail popup, the filter being
    /// typed, a zoomed pane.
    func testEveryModeAt80x24And200x60() throws {
        var m = try Self.model(generations: 3)
        m.state.paused = true
        // The quit question's resume hint names the data directory the user gave (it left it out).
        m.namedFolders = ResumeHint.Folders(data: "/tmp/my runs")
        m.archText = try Self.space().canonicalText(try XCTUnwrap(m.selected).arch).components(separatedBy: "\n")
        m.dimensions = ExplorerApp.dimensionList(try Self.space())
        let modes: [(String, Mode, Bool)] = [
            ("help", .help(HelpView()), false),
            ("help-filtered", .help(HelpView(filter: "pace", editingFilter: true)), false),
            (
                "inject",
                .inject(
                    InjectForm.opening(
                        m, text: "node1-from-node0: bogus",
                        problems: [
                            "'node1-from-node0': 'bogus' is not one of none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3",
                            "missing 'node2-from-node0', 'node2-from-node1'",
                        ])),
                false
            ),
            ("quit", .confirm(.quit), false), ("restart", .confirm(.restart), false), ("detail", .detail, false),
            ("zoomed", .browse, true),
        ]
        for (name, mode, zoomed) in modes {
            m.mode = mode
            m.zoomed = zoomed
            for (w, h) in [(80, 24), (200, 60)] {
                try assertSnapshot(Renderer.render(m, width: w, height: h), "mode-\(name)-\(w)x\(h)")
            }
        }
        // The prompt inspector, focused in place and zoomed, at both sizes.
        m.mode = .browse
        m.focus = .prompt
        for zoomed in [false, true] {
            m.zoomed = zoomed
            for (w, h) in [(80, 24), (200, 60)] {
                try assertSnapshot(
                    Renderer.render(m, width: w, height: h), "inspector\(zoomed ? "-zoomed" : "")-\(w)x\(h)")
            }
        }
    }
}
