import Foundation
import LLMPPCore
import LLMPPEngine

/// What `llmpp reproduce` found, as text, JSON, CSVs and SVG plots.
struct ReproduceReport {
    var provider: String
    /// The LLM-PP prompt of the predictor table and the ablation (parts, efficiency lines,
    /// order, encoding); nil where no LLM part ran.
    var prompt: String? = nil
    var predictors: [PredictorStudy.Table] = []
    var ablationSpace: String? = nil
    var ablation: [PredictorStudy.LadderStep] = []
    var oracle: SearchStudy.Oracle? = nil
    var search: [SearchStudy.Outcome] = []
    /// The schedule comparison (anytime vs paper at equal and 3x label budgets, baseline only).
    var schedule: [SearchStudy.Outcome] = []
    /// Few-shot latency on unseen devices (`--parts hardware`), per space.
    var hardware: [HardwareStudy.SpaceResult] = []
    /// LLM-PP for latency beside the other methods on the same test architectures.
    var latencyLLM: [LLMLatencyStudy.Record] = []

    static func pm(_ m: Double?, _ s: Double?, _ d: Int = 2) -> String {
        m == nil ? "-" : "\(fmt(m, d)) ± \(fmt(s, d))"
    }

    /// One search mode over its seeds: what the table, the JSON and the plots show.
    struct ModeSummary {
        var mode: SearchStudy.Mode
        var runs: [SearchStudy.Outcome]
        var truthTest: (Double?, Double?), regretTest: (Double?, Double?), truthValid: (Double?, Double?),
            expensive: (Double?, Double?)
        var labels: (Double?, Double?), llmHours: (Double?, Double?), expensiveHours: (Double?, Double?),
            totalHours: (Double?, Double?)
        init(_ mode: SearchStudy.Mode, _ runs: [SearchStudy.Outcome]) {
            func stat(_ v: [Double]) -> (Double?, Double?) {
                v.isEmpty ? (nil, nil) : (Metrics.mean(v), Metrics.std(v))
            }
            self.mode = mode
            self.runs = runs
            truthTest = stat(runs.compactMap { $0.truth["test"] })
            regretTest = stat(runs.compactMap { $0.regret["test"] })
            truthValid = stat(runs.compactMap { $0.truth["valid"] })
            expensive = stat(runs.map { Double($0.expensiveEvaluations) })
            labels = stat(runs.map { Double($0.labels) })
            llmHours = stat(runs.map(\.llmHours))
            expensiveHours = stat(runs.map(\.expensiveHours))
            totalHours = stat(runs.map(\.totalHours))
        }
    }

    /// Modes in the order run, with their outcomes.
    static func modes(_ outcomes: [SearchStudy.Outcome]) -> [ModeSummary] {
        var order: [SearchStudy.Mode] = []
        for o in outcomes where !order.contains(o.mode) { order.append(o.mode) }
        return order.map { m in ModeSummary(m, outcomes.filter { $0.mode == m }) }
    }
    var modes: [ModeSummary] { Self.modes(search) }

    /// One row per mode: quality of the pick, what it cost in evaluations, labels and hours.
    static func searchTable(_ outcomes: [SearchStudy.Outcome], judgedBy: StudyReference.Kind) -> String {
        let cost = outcomes.allSatisfy(\.costRecorded) ? "recorded" : "wall time"
        var tt = TextTable(header: [
            "mode", "schedule", "switch", "labels", "seeds", "pick: test \(judgedBy.rawValue)", "regret (test)",
            "pick: valid \(judgedBy.rawValue)", "expensive evals", "hours LLM", "hours expensive (\(cost))",
            "hours total",
        ])
        for m in modes(outcomes) {
            tt.rows.append([
                m.mode.name, m.mode.switchAt == 0 ? "-" : m.mode.schedule.rawValue, "\(m.mode.switchAt)",
                fmt(m.labels.0, 0), "\(m.runs.count)",
                pm(m.truthTest.0, m.truthTest.1), pm(m.regretTest.0, m.regretTest.1),
                pm(m.truthValid.0, m.truthValid.1),
                pm(m.expensive.0, m.expensive.1, 1), pm(m.llmHours.0, m.llmHours.1),
                pm(m.expensiveHours.0, m.expensiveHours.1),
                pm(m.totalHours.0, m.totalHours.1),
            ])
        }
        return tt.render()
    }

    /// Issue 11's goals, each said met or not from the figures: anytime at least as good as
    /// paper at the same budget and as paper with 3x the labels; hybrid hours at most half of
    /// baseline only's at equal truth. Where the expensive cost is not recorded (a surrogate's
    /// wall time is no cost), the last goal is judged on expensive evaluations and says so.
    static func scheduleVerdicts(_ outcomes: [SearchStudy.Outcome], judgedBy: StudyReference.Kind)
        -> [String]
    {
        let judge = judgedBy.rawValue
        let ms = modes(outcomes)
        func find(_ s: Schedule, _ labels: Int) -> ModeSummary? {
            ms.first { $0.mode.switchAt > 0 && $0.mode.schedule == s && $0.mode.labels == labels }
        }
        func verdict(_ ok: Bool) -> String { ok ? "met" : "NOT met" }
        var out: [String] = []
        let baseline = ms.first { $0.mode.switchAt == 0 }
        for a in ms where a.mode.schedule == .anytime {
            guard let b = a.mode.labels, let at = a.truthTest.0 else { continue }
            for (p, what) in [
                (find(.paper, b), "paper with the same \(b) labels"),
                (find(.paper, 3 * b), "paper with 3x (\(3 * b)) labels"),
            ] {
                guard let p, let pt = p.truthTest.0 else { continue }
                out.append(
                    String(
                        format: "anytime %d vs %@: test %@ %.2f vs %.2f: %@", b, what, judge, at, pt, verdict(at >= pt))
                )
            }
        }
        let recorded = outcomes.allSatisfy(\.costRecorded)
        let what = recorded ? "hours" : "expensive evaluations"
        func cost(_ m: ModeSummary) -> Double? { recorded ? m.totalHours.0 : m.expensive.0 }
        if let base = baseline, let bc = cost(base), bc > 0, let bt = base.truthTest.0 {
            if !recorded {
                out.append(
                    "no recorded cost of an expensive evaluation here (wall time of \(judge == "truth" ? "the evaluator" : "a surrogate")): judged on expensive evaluations instead of hours"
                )
            }
            var met: [String] = []
            for m in ms where m.mode.switchAt > 0 {
                guard let c = cost(m), let t = m.truthTest.0 else { continue }
                let ok = c <= 0.5 * bc && t >= bt
                if ok { met.append(m.mode.name) }
                out.append(
                    String(
                        format: "%@: %.0f%% of baseline only's %@ (%.2f vs %.2f%@), test %@ %.2f vs %.2f: %@",
                        m.mode.name, 100 * c / bc, what, c, bc, recorded ? " h" : "", judge, t, bt, verdict(ok)))
            }
            out.append(
                "hybrid \(what) at most 50% of baseline only's at equal \(judge): "
                    + (met.isEmpty ? "NOT met by any mode" : "met by " + met.joined(separator: ", ")))
        }
        return out
    }

    static func modesJSON(_ outcomes: [SearchStudy.Outcome]) -> JSONValue {
        .array(
            modes(outcomes).map { m in
                .object([
                    ("mode", .string(m.mode.name)), ("schedule", .string(m.mode.schedule.rawValue)),
                    ("switch_at", .number(Double(m.mode.switchAt))),
                    ("labels_mean", .number(m.labels.0)),
                    ("truth_test_mean", .number(m.truthTest.0)), ("truth_test_std", .number(m.truthTest.1)),
                    ("regret_test_mean", .number(m.regretTest.0)), ("regret_test_std", .number(m.regretTest.1)),
                    ("expensive_evaluations_mean", .number(m.expensive.0)),
                    ("expensive_evaluations_std", .number(m.expensive.1)),
                    ("hours_llm_mean", .number(m.llmHours.0)), ("hours_expensive_mean", .number(m.expensiveHours.0)),
                    ("hours_total_mean", .number(m.totalHours.0)),
                    (
                        "runs",
                        .array(
                            m.runs.map { o in
                                .object([
                                    ("seed", .number(Double(o.seed))), ("run", .string(o.runID)),
                                    ("best_id", .string(o.bestID)),
                                    ("latency_ms", .number(o.bestLatencyMs)),
                                    ("truth", .object(o.truth.keys.sorted().map { ($0, .number(o.truth[$0])) })),
                                    ("regret", .object(o.regret.keys.sorted().map { ($0, .number(o.regret[$0])) })),
                                    ("expensive_evaluations", .number(Double(o.expensiveEvaluations))),
                                    ("llm_calls", .number(Double(o.llmCalls))),
                                    ("labels", .number(Double(o.labels))), ("hours_llm", .number(o.llmHours)),
                                    ("hours_expensive", .number(o.expensiveHours)),
                                ])
                            })
                    ),
                ])
            })
    }

    var text: String {
        var out: [String] = []
        for t in predictors {
            out.append(
                "Predictor quality on \(t.space) (mean ± population std over split seeds; \(t.llmCalls) LLM calls, \(t.cachedAnswers) answered from the cache; prompt: \(prompt ?? "-"))"
            )
            let byMetric = Dictionary(t.metrics.map { ($0.metric, $0.rows) }, uniquingKeysWith: { a, _ in a })
            let names = t.metrics.first?.rows.map(\.name) ?? []
            var tt = TextTable(
                header: ["predictor"] + t.metrics.flatMap { ["\($0.metric) MAE", "\($0.metric) Kendall"] })
            for n in names {
                tt.rows.append(
                    [n]
                        + t.metrics.flatMap { m -> [String] in
                            let q = byMetric[m.metric]?.first { $0.name == n }
                            return [Self.pm(q?.maeMean, q?.maeStd), Self.pm(q?.kendallMean, q?.kendallStd)]
                        })
            }
            out.append(tt.render())
            out.append("")
        }
        if !ablation.isEmpty {
            out.append(
                "Instruction ablation on \(ablationSpace ?? "?"), LLM-PP (\(provider)), valid metric, mean ± population std over split seeds"
            )
            var tt = TextTable(header: ["step", "prompt", "MAE", "Kendall"])
            for s in ablation {
                tt.rows.append([
                    "\(s.step)", s.name, Self.pm(s.quality.maeMean, s.quality.maeStd),
                    Self.pm(s.quality.kendallMean, s.quality.kendallStd),
                ])
            }
            out.append(tt.render())
            out.append("")
        }
        if let o = oracle, !search.isEmpty {
            out.append(
                String(
                    format: "Search on %@ under %.2f ms on %@ (%d of %d architectures of pool '%@' feasible; %@)",
                    o.space, o.latencyMs, o.hardware, o.feasible, o.total, o.poolName, Self.judging(o)))
            out.append(Self.searchTable(search, judgedBy: o.reference.kind))
        }
        if let o = oracle, !schedule.isEmpty {
            out.append("")
            out.append(
                String(
                    format:
                        "Schedules on %@ under %.2f ms on %@: anytime vs paper at equal and 3x label budgets (hours: the labels' measured LLM time + the expensive evaluations' %@; %@)",
                    o.space, o.latencyMs, o.hardware,
                    schedule.allSatisfy(\.costRecorded) ? "recorded GPU time" : "wall time", Self.judging(o)))
            out.append(Self.searchTable(schedule, judgedBy: o.reference.kind))
            out += Self.scheduleVerdicts(schedule, judgedBy: o.reference.kind)
        }
        out += hardwareText
        return out.joined(separator: "\n")
    }

    /// What the picks are judged by and the pool's best by it, in words.
    static func judging(_ o: SearchStudy.Oracle) -> String {
        let best = o.best["test"].map { String(format: "%.2f (%@)", $0.value, $0.id) } ?? "-"
        switch o.reference.kind {
        case .truth: return "picks judged by the truth; true best test score \(best)"
        case .surrogate:
            return
                "no truth of the pool here: picks judged by the \(o.reference.name) (the search's own expensive evaluator), best of the pool by it \(best); regret below 0 means the search beat every pool architecture"
        }
    }

    static func yLabel(_ o: SearchStudy.Oracle) -> String {
        o.reference.kind == .truth ? "test score, trained from scratch" : "test score by the \(o.reference.name)"
    }

    static func qualityJSON(_ q: PredictorQuality) -> JSONValue {
        guard case .object(var f) = q.json else { return q.json }
        f.append(
            (
                "per_seed",
                .array(
                    q.perSeed.map {
                        .object([
                            ("seed", .string($0.seed)), ("mae", .number($0.mae)), ("kendall", .number($0.kendall)),
                        ])
                    })
            ))
        return .object(f)
    }

    var json: JSONValue {
        var f: [(String, JSONValue)] = [("provider", .string(provider)), ("prompt", .string(prompt))]
        f.append(
            (
                "predictors",
                .array(
                    predictors.map { t in
                        .object([
                            ("space", .string(t.space)), ("llm_calls", .number(Double(t.llmCalls))),
                            ("cached_answers", .number(Double(t.cachedAnswers))),
                            ("metrics", .object(t.metrics.map { ($0.metric, .array($0.rows.map(Self.qualityJSON))) })),
                        ])
                    })
            ))
        f.append(
            (
                "ablation",
                ablation.isEmpty
                    ? .null
                    : .object([
                        ("space", .string(ablationSpace)), ("metric", .string("valid")),
                        (
                            "steps",
                            .array(
                                ablation.map { s in
                                    .object([
                                        ("step", .number(Double(s.step))), ("prompt", .string(s.name)),
                                        ("quality", Self.qualityJSON(s.quality)),
                                    ])
                                })
                        ),
                    ])
            ))
        if let o = oracle {
            f.append(
                (
                    "search",
                    .object([
                        ("hardware", .string(o.hardware)), ("latency_ms", .number(o.latencyMs)),
                        ("feasible", .number(Double(o.feasible))),
                        ("architectures", .number(Double(o.total))),
                        (
                            "true_best",
                            .object(
                                o.best.keys.sorted().map { k in
                                    (
                                        k,
                                        .object([("id", .string(o.best[k]!.id)), ("value", .number(o.best[k]!.value))])
                                    )
                                })
                        ),
                        ("space", .string(o.space)), ("pool", .string(o.poolName)),
                        ("judged_by", .string(o.reference.name)),
                        ("modes", Self.modesJSON(search)),
                        ("schedule", schedule.isEmpty ? .null : Self.modesJSON(schedule)),
                        (
                            "schedule_verdicts",
                            .array(Self.scheduleVerdicts(schedule, judgedBy: o.reference.kind).map { .string($0) })
                        ),
                    ])
                ))
        } else {
            f.append(("search", .null))
        }
        f.append(("hardware", hardware.isEmpty ? .null : hardwareJSON))
        return .object(f)
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> String { CSVTable(header: header, rows: rows).text }

    static func num(_ v: Double?) -> String { v.map { String($0) } ?? "" }

    /// CSVs of every figure and the two plots; returns the files written.
    func write(to dir: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var files: [(String, String)] = []
        if !predictors.isEmpty { files.append(("predictors.csv", predictorsCSV)) }
        if !ablation.isEmpty { files.append(("ablation.csv", ablationCSV)) }
        if !schedule.isEmpty { files.append(("schedule.csv", scheduleCSV)) }
        if let o = oracle, !search.isEmpty { files += searchFiles(o) }
        if !hardware.isEmpty { files.append(("hardware.csv", hardwareCSV)) }
        for (name, text) in files {
            try text.write(toFile: (dir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return files.map(\.0)
    }

    /// Every predictor's MAE and Kendall by space, metric and split.
    var predictorsCSV: String {
        Self.csv(
            ["space", "metric", "predictor", "split_seed", "mae", "kendall"],
            predictors.flatMap { t in
                t.metrics.flatMap { m in
                    m.rows.flatMap { q in
                        q.perSeed.map { [t.space, m.metric, q.name, $0.seed, Self.num($0.mae), Self.num($0.kendall)] }
                    }
                }
            })
    }

    /// The prompt ablation's steps by split.
    var ablationCSV: String {
        Self.csv(
            ["space", "step", "prompt", "split_seed", "mae", "kendall"],
            ablation.flatMap { s in
                s.quality.perSeed.map {
                    [ablationSpace ?? "", "\(s.step)", s.name, $0.seed, Self.num($0.mae), Self.num($0.kendall)]
                }
            })
    }

    /// The schedules study's runs: pick, regret, evaluations and hours.
    var scheduleCSV: String {
        Self.csv(
            [
                "mode", "schedule", "switch_at", "labels", "seed", "run", "best_id", "truth_test", "regret_test",
                "expensive_evaluations", "hours_llm", "hours_expensive_recorded", "judged_by",
            ],
            schedule.map { r in
                [
                    r.mode.name, r.mode.schedule.rawValue, "\(r.mode.switchAt)", "\(r.labels)", "\(r.seed)", r.runID,
                    r.bestID, Self.num(r.truth["test"]), Self.num(r.regret["test"]), "\(r.expensiveEvaluations)",
                    Self.num(r.llmHours), r.costRecorded ? Self.num(r.expensiveHours) : "",
                    oracle?.reference.name ?? "",
                ]
            })
    }

    /// The search study's runs, their traces and fronts as CSVs, and its two plots.
    func searchFiles(_ o: SearchStudy.Oracle) -> [(String, String)] {
        [
            ("search.csv", searchCSV), ("search-trace.csv", searchTraceCSV), ("pareto.csv", paretoCSV(o)),
            ("pareto-fronts.svg", paretoFrontsSVG(o)), ("truth-vs-expensive.svg", truthVsExpensiveSVG(o)),
        ]
    }

    var searchCSV: String {
        Self.csv(
            [
                "mode", "switch_at", "seed", "run", "best_id", "latency_ms", "truth_valid", "truth_test",
                "regret_valid", "regret_test", "expensive_evaluations", "llm_calls",
            ],
            search.map { r in
                [
                    r.mode.name, "\(r.mode.switchAt)", "\(r.seed)", r.runID, r.bestID, Self.num(r.bestLatencyMs),
                    Self.num(r.truth["valid"]), Self.num(r.truth["test"]), Self.num(r.regret["valid"]),
                    Self.num(r.regret["test"]), "\(r.expensiveEvaluations)", "\(r.llmCalls)",
                ]
            })
    }

    var searchTraceCSV: String {
        Self.csv(
            ["mode", "seed", "generation", "expensive_evaluations", "truth_test_of_pick"],
            search.flatMap { r in
                r.trace.map { [r.mode.name, "\(r.seed)", "\($0.generation)", "\($0.expensive)", Self.num($0.truth)] }
            })
    }

    func paretoCSV(_ o: SearchStudy.Oracle) -> String {
        Self.csv(
            ["front", "seed", "latency_ms", "truth_test"],
            o.front.map { ["true front", "", Self.num($0.latency), Self.num($0.truth)] }
                + search.flatMap { r in
                    r.front.map { [r.mode.name, "\(r.seed)", Self.num($0.latency), Self.num($0.truth)] }
                })
    }

    /// Each mode's first seed's final front against the true one.
    func paretoFrontsSVG(_ o: SearchStudy.Oracle) -> String {
        var fronts = [SVGChart.Series(name: "true front", points: o.front.map { ($0.latency, $0.truth) })]
        for m in modes {
            if let r = m.runs.first {
                fronts.append(
                    .init(name: "\(m.mode.name) (seed \(r.seed))", points: r.front.map { ($0.latency, $0.truth) }))
            }
        }
        return SVGChart(
            title: String(format: "Final Pareto fronts, latency <= %.1f ms on %@", o.latencyMs, o.hardware),
            xLabel: "latency (ms, measured)", yLabel: Self.yLabel(o), series: fronts
        ).render()
    }

    /// The pick's truth against expensive evaluations, averaged over seeds per generation.
    func truthVsExpensiveSVG(_ o: SearchStudy.Oracle) -> String {
        let traces = modes.map { summary -> SVGChart.Series in
            let runs = summary.runs
            let gens = Set(runs.flatMap { $0.trace.map(\.generation) }).sorted()
            let pts = gens.map { g -> (x: Double, y: Double) in
                let at = runs.compactMap { r in r.trace.first { $0.generation == g } }
                return (Metrics.mean(at.map { Double($0.expensive) }), Metrics.mean(at.map(\.truth)))
            }
            return .init(name: summary.mode.name, points: pts)
        }
        return SVGChart(
            title: "Truth of each generation's pick vs expensive evaluations (mean over seeds)",
            xLabel: "expensive evaluations so far", yLabel: Self.yLabel(o), series: traces
        ).render()
    }
}
