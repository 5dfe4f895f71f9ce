import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Method (c) of the few-shot latency study: LLM-PP for latency, the k measurements as
/// demonstrations in each encoding, the test architecture last. LLM calls are slow, so it
/// runs on a sample of test architectures per unseen device, and the other methods are
/// judged on the same sample beside it.
struct LLMLatencyStudy {
    struct Record {
        var target: String
        var draw: Int
        /// "llm lines", "llm json", "llm graph", or an adaptation method's name.
        var method: String
        var accuracy: LatencyAccuracy
        var unanswered: Int
    }

    var provider: any LLMProvider
    var store: TranscriptStore
    var settings: PredictionSettings
    var encodings: [ArchitectureEncoding]
    var targets: [String]
    var sources: [String]
    var k: Int
    var draws: Int
    var tests: Int
    var cacheDirectory: String

    /// One draw on one device: the k measured demonstrations and the test sample.
    struct Draw {
        var target: String
        var index: Int
        var rows: LatencyRows
        var picked: [Int]
        var tests: [Int]
    }

    func run(space: SearchSpace, progress: @escaping @Sendable (String) -> Void) async throws -> [Record] {
        guard space.latency?.isMeasured ?? false else {
            throw CLIError(
                "--hardware-llm needs a space measured for every architecture (the prompt shows architectures)")
        }
        let base = try PromptTemplate.load(space: space)
        var out: [Record] = []
        var meter = (started: Date(), done: 0, total: targets.count * draws * tests * encodings.count)
        for target in targets {
            let rows = try LatencyRows.measured(
                space: space, target: target, sources: sources, cacheDirectory: cacheDirectory)
            for index in 0..<draws {
                let d = draw(index, of: rows, on: target)
                out += fitRecords(d)
                for e in encodings {
                    let r = await llmRecord(d, encoding: e, space: space, base: base)
                    meter.done += d.tests.count
                    let elapsed = Date().timeIntervalSince(meter.started)
                    progress(
                        String(
                            format:
                                "hardware llm: %@ draw %d %@: %d of %d answered (%d of %d calls, %.0f s, ETA %.0f s)",
                            target, index, e.rawValue, r.accuracy.count, d.tests.count, meter.done, meter.total,
                            elapsed, elapsed / Double(meter.done) * Double(meter.total - meter.done)))
                    out.append(r)
                }
            }
        }
        return out
    }

    /// The draw's k demonstrations and up to `tests` test architectures from the rest, both
    /// fixed by the draw's index.
    func draw(_ index: Int, of rows: LatencyRows, on target: String) -> Draw {
        let picked = FewShotLatencyStudy.drawIndices(count: rows.count, k: k, draw: index)
        let rest = Set(0..<rows.count).subtracting(picked)
        let tests = FewShotLatencyStudy.drawIndices(count: rows.count, k: rows.count, draw: index + 500)
            .filter(rest.contains).prefix(self.tests).map { $0 }
        return Draw(target: target, index: index, rows: rows, picked: picked, tests: tests)
    }

    /// The adaptation methods fitted on the draw's demonstrations, judged on its test sample.
    func fitRecords(_ d: Draw) -> [Record] {
        FewShotLatencyStudy.evaluate(
            LatencyAdaptationMethod.allCases, train: d.rows.subset(d.picked), test: d.rows.subset(d.tests),
            seed: UInt64(d.index)
        ).map {
            Record(target: d.target, draw: d.index, method: $0.method.rawValue, accuracy: $0.accuracy, unanswered: 0)
        }
    }

    /// LLM-PP for latency in one encoding on the draw's test sample (unanswered ones counted).
    func llmRecord(_ d: Draw, encoding e: ArchitectureEncoding, space: SearchSpace, base: PromptTemplate) async
        -> Record
    {
        let pool = space.latencyPool
        let demos = d.picked.map { (pool[$0], d.rows.latencyMs[$0]) }
        let builder = PromptBuilder(
            space: space, template: LatencyPrompt.template(from: base, hardware: d.target),
            options: LatencyPrompt.options(encoding: e, efficiency: base.defaultOptions.efficiency),
            task: LatencyPrompt.task(space: space, hardware: d.target, measured: demos.map(\.1)))
        let predictor = LLMPredictor(
            provider: provider, store: store, run: "hardware-llm-\(space.id)-\(d.target)-\(d.index)-\(e.rawValue)",
            builder: builder, settings: settings)
        let answers = await predictor.predictAll(d.tests.map { (pool[$0], demos) }, purpose: "latency")
        let answered = zip(d.tests, answers).compactMap { i, p in p.value.map { ($0, d.rows.latencyMs[i]) } }
        return Record(
            target: d.target, draw: d.index, method: "llm \(e.rawValue)",
            accuracy: LatencyAccuracy(predicted: answered.map(\.0), measured: answered.map(\.1)),
            unanswered: d.tests.count - answered.count)
    }

    /// Mean over targets and draws per method, in the order the records came.
    static func table(_ records: [LLMLatencyStudy.Record]) -> TextTable {
        var t = TextTable(header: ["method", "MAPE", "Kendall", "Acc(10%)", "answered"])
        var order: [String] = []
        for r in records where !order.contains(r.method) { order.append(r.method) }
        for m in order {
            let g = records.filter { $0.method == m }
            let answered = g.reduce(0) { $0 + $1.accuracy.count }
            let asked = answered + g.reduce(0) { $0 + $1.unanswered }
            t.rows.append([
                m, fmt(HardwareStudy.nanMean(g.map(\.accuracy.meanAbsolutePercentageError)) * 100, 1) + "%",
                fmt(HardwareStudy.nanMean(g.map(\.accuracy.kendall)), 3),
                fmt(HardwareStudy.nanMean(g.map(\.accuracy.withinTenPercent)) * 100, 1) + "%",
                "\(answered) of \(asked)",
            ])
        }
        return t
    }
}
