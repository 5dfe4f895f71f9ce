import Foundation
import LLMPPCore

/// LLM-PP for latency: the k measurements of a device as demonstrations, the test
/// architecture last, the answer a number of milliseconds. Built from the space's own prompt
/// (its backbone and efficiency instructions and its definitions describe the architectures),
/// with the device in place of the task.
public enum LatencyPrompt {
    /// The JSON key of the answer.
    public static let answerKey = "latency_ms"

    /// The quantity asked for: milliseconds between 0 and ten times the slowest measurement
    /// (the range bounds the digit walk and rejects absurd answers).
    public static func task(space: SearchSpace, hardware: String, measured: [Double]) -> TaskDescription {
        let high = max(1, (measured.max() ?? 1) * 10)
        return TaskDescription(
            kind: "\(space.task.kind) inference on \(hardware)", dataset: hardware, metric: "latency (ms)",
            metricKey: answerKey, unit: "ms", higherIsBetter: false, range: [0, high.rounded(.up)])
    }

    /// The space's template with the device's wording; instructions 1 (the device),
    /// 3 (the space's backbone), 4 (its efficiency) and 5 (concentrate) apply.
    public static func template(from t: PromptTemplate, hardware: String) -> PromptTemplate {
        var settings = t.settings
        settings.score_digits = 2
        settings.max_tokens = max(settings.max_tokens ?? 24, 24)
        return PromptTemplate(
            directory: t.directory, settings: settings,
            system:
                "You estimate the inference latency of neural network architectures on one device. Reply with only a JSON object {\"{{metric_key}}\": <number>} holding your estimate in milliseconds between {{range.low}} and {{range.high}}, with no explanation.",
            role:
                "You are a performance estimator of inference latency on the device \(hardware): you will estimate how many milliseconds a test architecture takes there.",
            instructions: [
                "Latency is measured on \(hardware): the time in milliseconds to process one input, as in the examples (lower is faster).",
                "",
                t.instructions[2],
                t.instructions[3],
                "Concentrate on the example architectures to learn how the architecture, its efficiency and the latency on \(hardware) relate, then estimate the latency of the test architecture.",
            ],
            definitions: t.definitions,
            demonstrations:
                "Examples: {{n_demonstrations}} architectures measured on \(hardware), with their efficiency and latency:\n\n{{demonstrations}}",
            demonstration: t.demonstration.replacingOccurrences(of: "{{task.metric}}", with: "Latency (ms)"),
            question: t.question.replacingOccurrences(of: "{{task.metric}}", with: "Latency (ms)"))
    }

    /// The prompt options of a latency prompt: every part but the task's examples.
    public static func options(encoding: ArchitectureEncoding, efficiency: [EfficiencyLine]) -> PromptOptions {
        PromptOptions(instructions: [1, 3, 4, 5], efficiency: efficiency, encoding: encoding)
    }
}
