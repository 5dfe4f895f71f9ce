import Foundation
import LLMPPCore
import LLMPPLLM
import LLMPPStore

/// Phase 3: LLM-Distill-PP, the student MLP, trained on the labels a chunk of steps per unit.
extension Engine {
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
        let loss = t.train(steps: config.trainingChunk)
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
}
