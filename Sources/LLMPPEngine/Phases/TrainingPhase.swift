import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Phase 3: LLM-Distill-PP, the student MLP, trained on the labels a chunk of steps per unit.
extension Engine {
    /// The first training's settings: the paper's, or the anytime schedule's short warm-up.
    var firstTraining: TrainingConfig {
        var t = config.training
        t.steps = config.firstTrainingSteps
        return t
    }

    /// The labelled targets' features and labels (failed labels left out).
    func trainingData() -> (featureSet: String, x: [[Double]], y: [Double])? {
        guard let fs = space.defaultFeatureSet else { return nil }
        var xs: [[Double]] = []
        var ys: [Double] = []
        for a in targets.prefix(state.labelsDone) {
            guard let v = labelValues[space.id(a)] ?? nil, let f = try? space.features(a, set: fs) else { continue }
            xs.append(f)
            ys.append(v)
        }
        return xs.isEmpty ? nil : (fs, xs, ys)
    }

    func makeTrainer(_ training: TrainingConfig? = nil, warmStart: StudentModel? = nil) -> StudentTrainer? {
        guard let d = trainingData() else { return nil }
        return StudentTrainer(
            featureSet: d.featureSet, features: d.x, labels: d.y, config: training ?? firstTraining,
            warmStart: warmStart)
    }

    /// Anytime: the student continues from its weights on every label so far, in one unit.
    func retrainWarm() async throws {
        var t = config.training
        t.steps = config.anytime?.retrainSteps ?? t.steps
        t.seed = config.training.seed &+ UInt64(state.labelsDone)
        guard var trainer = makeTrainer(t, warmStart: student) else {
            throw EngineError.phaseFailed("no usable labels to train LLM-Distill-PP on")
        }
        let loss = try trainer.trainChecked(steps: t.steps)
        state.lossCurve.append(loss)
        let model = trainer.model
        let data = try model.serialized()
        try await runs.saveBlob(run: runID, name: "student", data: data)
        try await runs.saveBlob(run: runID, name: Self.studentVersion(state.labelsDone), data: data)
        student = model
        state.studentLabels = state.labelsDone
        emit(.trainingLoss(step: t.steps, total: t.steps, loss: loss))
    }

    func stepTraining() async throws {
        let cachePath = studentCachePath()
        if trainer == nil && state.trainingStep == 0, let path = cachePath,
            let data = FileManager.default.contents(atPath: path),
            let cached = try? StudentModel(serialized: data)
        {
            // The same labels and settings were trained before (another seed or mode of a study).
            try await finishTraining(cached, data: data, cachePath: nil)
            emit(.trainingLoss(step: firstTraining.steps, total: firstTraining.steps, loss: .nan))
            return
        }
        if trainer == nil { trainer = makeTrainer() }
        guard var t = trainer else { throw EngineError.phaseFailed("no usable labels to train LLM-Distill-PP on") }
        let loss = try t.trainChecked(steps: config.trainingChunk)
        trainer = t
        state.trainingStep = t.step
        state.lossCurve.append(loss)
        try await runs.saveBlob(run: runID, name: "trainer", data: try t.checkpoint())
        emit(.trainingLoss(step: t.step, total: firstTraining.steps, loss: loss))
        if t.finished { try await finishTraining(t.model, data: try t.model.serialized(), cachePath: cachePath) }
    }

    /// Each anytime student is kept by the labels it rests on: a run killed after a retraining
    /// but before its state was saved resumes from the student the state names.
    static func studentVersion(_ labels: Int) -> String { "student-v\(labels)" }

    func finishTraining(_ model: StudentModel, data: Data, cachePath: String?) async throws {
        try await runs.saveBlob(run: runID, name: "student", data: data)
        if config.anytime != nil {
            try await runs.saveBlob(run: runID, name: Self.studentVersion(state.labelsDone), data: data)
        }
        if let cachePath {
            // Best effort: a cache that cannot be written costs a retraining later, nothing else.
            try? FileManager.default.createDirectory(
                atPath: (cachePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let tmp = cachePath + ".tmp-\(runID)"
            if FileManager.default.createFile(atPath: tmp, contents: data), rename(tmp, cachePath) != 0 {
                try? FileManager.default.removeItem(atPath: tmp)
            }
        }
        state.trainingStep = firstTraining.steps
        state.studentLabels = state.labelsDone
        student = model
        setPhase(.search)
    }

    /// Where a student trained on this run's labels with its settings is kept across runs.
    func studentCachePath() -> String? {
        guard let fs = space.defaultFeatureSet else { return nil }
        var ids: [String] = []
        var ys: [Double] = []
        for id in targets.prefix(state.labelsDone).map({ space.id($0) }) {
            guard let v = labelValues[id] ?? nil else { continue }
            ids.append(id)
            ys.append(v)
        }
        guard !ids.isEmpty else { return nil }
        let key = StudentModel.cacheKey(featureSet: fs, ids: ids, labels: ys, config: firstTraining)
        return (env.cacheDirectory as NSString).appendingPathComponent("students/\(space.id)-\(key).student")
    }
}
