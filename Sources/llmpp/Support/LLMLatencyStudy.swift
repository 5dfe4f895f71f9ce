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

    func run(space: SearchSpace, progress: @escaping @Sendable (String) -> Void) async throws -> [Record] {
        guard space.latency?.isMeasured ?? false else {
            throw CLIError(
                "--hardware-llm needs a space measured for every architecture (the prompt shows architectures)")
        }
        let pool = space.latencyPool
        let base = try PromptTemplate.load(space: space)
        var out: [Record] = []
        let started = Date()
        let total = targets.count * draws * tests * encodings.count
        var done = 0
        for target in targets {
            let rows = try LatencyRows.measured(
                space: space, target: target, sources: sources, cacheDirectory: cacheDirectory)
            for draw in 0..<draws {
                let picked = FewShotLatencyStudy.drawIndices(count: rows.count, k: k, draw: draw)
                let rest = Set(0..<rows.count).subtracting(picked)
                let testIdx = FewShotLatencyStudy.drawIndices(count: rows.count, k: rows.count, draw: draw + 500)
                    .filter(rest.contains).prefix(tests).map { $0 }
                let test = rows.subset(testIdx)
                let fits = FewShotLatencyStudy.evaluate(
                    LatencyAdaptationMethod.allCases, train: rows.subset(picked), test: test, seed: UInt64(draw))
                for f in fits {
                    out.append(
                        Record(
                            target: target, draw: draw, method: f.method.rawValue, accuracy: f.accuracy, unanswered: 0))
                }
                let demos = picked.map { (pool[$0], rows.latencyMs[$0]) }
                for e in encodings {
                    let builder = PromptBuilder(
                        space: space, template: LatencyPrompt.template(from: base, hardware: target),
                        options: LatencyPrompt.options(encoding: e, efficiency: base.defaultOptions.efficiency),
                        task: LatencyPrompt.task(space: space, hardware: target, measured: demos.map(\.1)))
                    let predictor = LLMPredictor(
                        provider: provider, store: store,
                        run: "hardware-llm-\(space.id)-\(target)-\(draw)-\(e.rawValue)",
                        builder: builder, settings: settings)
                    var predicted: [Double] = []
                    var measured: [Double] = []
                    let answers = await predictor.predictAll(testIdx.map { (pool[$0], demos) }, purpose: "latency")
                    for (i, p) in zip(testIdx, answers) {
                        if let v = p.value {
                            predicted.append(v)
                            measured.append(rows.latencyMs[i])
                        }
                    }
                    done += testIdx.count
                    let elapsed = Date().timeIntervalSince(started)
                    progress(
                        String(
                            format:
                                "hardware llm: %@ draw %d %@: %d of %d answered (%d of %d calls, %.0f s, ETA %.0f s)",
                            target, draw, e.rawValue, predicted.count, testIdx.count, done, total, elapsed,
                            elapsed / Double(done) * Double(total - done)))
                    out.append(
                        Record(
                            target: target, draw: draw, method: "llm \(e.rawValue)",
                            accuracy: LatencyAccuracy(predicted: predicted, measured: measured),
                            unanswered: testIdx.count - predicted.count))
                }
            }
        }
        return out
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
