import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

extension Engine {
    /// How long what is left of this run takes (see `RunEstimate`): shown before it starts.
    public func estimate() async -> RunEstimate {
        var parts: [RunEstimate.Part] = []
        let perAnswer = await llmSecondsPerAnswer()
        let provider = self.provider?.displayName ?? "the LLM"
        let concurrency = batchSize
        if config.evaluateLLM, llmppUnits > state.llmppDone, state.phase == .llmpp {
            let tests = max(0, testRows.count - state.llmppDone)
            if tests > 0 {
                parts.append(
                    .llm("LLM-PP", answers: tests, secondsEach: perAnswer, concurrency: concurrency, provider: provider)
                )
            }
            // A left-out demonstration breaks the shared prompt prefix: priced at what such answers took here.
            let leftOut = llmppUnits - state.llmppDone - tests
            if leftOut > 0 {
                parts.append(
                    .llm(
                        "LLM-PP calibration", answers: leftOut,
                        secondsEach: await llmSecondsPerAnswer(purpose: "calibration") ?? perAnswer,
                        concurrency: concurrency, provider: provider))
            }
        }
        // The labels until the switch (an anytime run's switch moved earlier needs fewer; the
        // estimate priced the whole budget, also for a run already finished).
        if labelGoal > state.labelsDone, !state.finished {
            let cached = await cachedLabels()
            var part = RunEstimate.Part.llm(
                "labels", answers: labelGoal - state.labelsDone - cached, secondsEach: perAnswer,
                concurrency: concurrency, provider: provider)
            if cached > 0 { part.detail += ", \(cached) more already answered (cached)" }
            parts.append(part)
        }
        // A server that has not started loads its model and reads its first prompt whole before
        // the first answer: minutes on 2 cores, first in line (it was priced as any answer).
        if parts.contains(where: \.asksTheLLM), let cold = await self.provider?.coldStartCost() {
            parts.insert(.coldStart(cold, answerSeconds: perAnswer?.median), at: 0)
        }
        let steps = trainingStepsLeft
        if steps > 0 { parts.append(.training(steps: steps, secondsEach: secondsPerTrainingStep())) }
        // A finished run has nothing left ("search 0 generations ... seconds" read as work to come).
        if !state.finished && state.generation < config.evolution.iterations { parts.append(searchPart()) }
        return RunEstimate(parts: parts)
    }

    /// The median time of this model's earlier answers in this data directory (the first,
    /// cold prompt of a server is one answer among many and does not move a median); of one
    /// purpose ("calibration", "label") where given. Answers in runs of this space come first:
    /// prompts differ by space (a HAT prompt's 32 s priced an nb201 run whose answers take 5 s).
    func llmSecondsPerAnswer(purpose: String? = nil) async -> (median: Double, count: Int)? {
        guard let p = provider else { return nil }
        let recent = (try? await transcripts.calls(limit: 2000)) ?? []
        let answers = recent.filter {
            $0.provider == p.name && $0.model == p.model && $0.status == .ok && $0.latencyMs > 0
                && (purpose == nil || $0.purpose == purpose)
        }
        let spaceRuns = Set(((try? await runs.runs()) ?? []).filter { $0.space == space.id }.map(\.id))
        let ofThisSpace = answers.filter { spaceRuns.contains($0.run) }
        // A few of this space's answers are enough; else any space's beat none.
        let times = (ofThisSpace.count >= 3 ? ofThisSpace : answers).map { $0.latencyMs / 1000 }
        guard !times.isEmpty else { return nil }
        return (Metrics.median(times), times.count)
    }

    /// How many of the next labels (of those already chosen, at most 500 looked at) the
    /// transcript store already answers: a rerun of the same settings pays nothing for them.
    func cachedLabels() async -> Int {
        guard let predictor else { return 0 }
        var n = 0
        for a in targets.dropFirst(state.labelsDone).prefix(min(500, labelGoal - state.labelsDone))
        where await predictor.isCached(a, demonstrations: demonstrations) {
            n += 1
        }
        return n
    }

    /// The first training's steps not yet done, and the anytime retrainings before the switch.
    var trainingStepsLeft: Int {
        guard config.labels > 0, state.phase != .search, state.phase != .done else { return 0 }
        let retrains = config.anytime.map { $0.retrainSteps * max(0, config.switchAt - 1) } ?? 0
        return max(0, config.firstTrainingSteps - state.trainingStep) + retrains
    }

    /// A few steps of the run's student on its own features, timed.
    func secondsPerTrainingStep() -> Double? {
        guard let fs = space.defaultFeatureSet else { return nil }
        var g = SeededGenerator(seed: 1)
        let archs = (0..<max(16, config.training.batchSize)).map { _ in space.shape.random(using: &g) }
        let x = archs.compactMap { try? space.features($0, set: fs) }
        guard x.count >= 2 else { return nil }
        var t = StudentTrainer(
            featureSet: fs, features: x, labels: x.indices.map { Double($0 % 7) }, config: config.training)
        t.train(steps: 1)
        let t0 = Date()
        t.train(steps: 4)
        return Date().timeIntervalSince(t0) / 4
    }

    /// The generations left; the expensive ones evaluate a whole population first, then each
    /// generation's children (parents were evaluated before): an upper bound, repeats are free.
    func searchPart() -> RunEstimate.Part {
        let e = config.evolution
        let left = max(0, e.iterations - state.generation)
        let firstExpensive = max(config.switchAt, state.generation)
        let expensive = max(0, e.iterations - firstExpensive)
        let evaluations =
            expensive == 0
            ? 0 : (firstExpensive == config.switchAt ? e.population : 0) + (expensive - 1) * (e.population - e.parents)
        var g = SeededGenerator(seed: 2)
        let sample = (0..<64).map { _ in space.randomArchitecture(using: &g) }
        let recorded = evaluator.recordedSeconds(sample).map { Metrics.mean($0) }
        return .search(
            generations: left, expensiveGenerations: expensive, evaluations: evaluations, recordedEach: recorded,
            pace: config.pace,
            costLabel: String(evaluator.costLabel.prefix { $0 != ":" }))
    }
}

extension RunEstimate.Part {
    /// The server's start: its model's load, and its first answer beyond what an answer costs
    /// (the labels part prices that answer already), from its recorded starts.
    static func coldStart(_ c: ColdStartCost, answerSeconds: Double?) -> RunEstimate.Part {
        let extra = max(0, c.firstAnswerSeconds - (answerSeconds ?? 0))
        let wall = c.loadSeconds + extra
        return RunEstimate.Part(
            name: "server start", seconds: wall,
            detail:
                "model load \(RunEstimate.unit(c.loadSeconds)) + first prompt \(RunEstimate.unit(extra)) beyond an answer = \(ProgressRate.duration(wall)) (median of \(c.starts) start\(c.starts == 1 ? "" : "s") here)"
        )
    }
}
