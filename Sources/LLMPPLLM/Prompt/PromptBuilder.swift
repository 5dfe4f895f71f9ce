import Foundation
import LLMPPCore

/// Assembles LLM-PP prompts for one space: role, numbered instructions, hyperparameter
/// definitions, demonstrations, then the test architecture last, so that everything before
/// it is byte-identical across the test architectures of a split and a server's prefix
/// cache applies.
public struct PromptBuilder: Sendable {
    public let space: SearchSpace
    public let template: PromptTemplate
    public let options: PromptOptions
    /// What is predicted: the space's task, or another quantity (a device's latency).
    public let task: TaskDescription

    public init(
        space: SearchSpace, template: PromptTemplate, options: PromptOptions = .full, task: TaskDescription? = nil
    ) {
        self.space = space
        self.template = template
        self.options = options
        self.task = task ?? space.task
    }

    public var metricKey: String { task.metric_key }
    public var range: ClosedRange<Double> { task.range[0]...task.range[1] }

    var common: [String: String] {
        [
            "task.kind": task.kind, "task.dataset": task.dataset, "task.metric": task.metric,
            "metric_key": task.metric_key, "range.low": Self.number(task.range[0]),
            "range.high": Self.number(task.range[1]),
        ]
    }

    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    public func efficiencyText(_ arch: Architecture) throws -> String {
        String(
            format: "%.\(template.settings.efficiency_digits)f",
            try space.flops(arch) * template.settings.efficiency_scale)
    }

    public func scoreText(_ score: Double) -> String { String(format: "%.\(template.settings.score_digits)f", score) }

    public func paramsText(_ arch: Architecture) throws -> String {
        let s = template.settings
        return String(format: "%.\(s.params_digits ?? 1)f", try space.params(arch) * (s.params_scale ?? 1e-6))
            + (s.params_unit ?? "M")
    }

    /// The efficiency lines the options ask for, e.g. "GFLOPS: 2.7\nParameters: 22.2M".
    public func efficiencyLines(_ arch: Architecture) throws -> String {
        try options.efficiency.map { line in
            switch line {
            case .gflops: return "\(template.settings.efficiency_label ?? "GFLOPS"): \(try efficiencyText(arch))"
            case .params: return "\(template.settings.params_label ?? "Parameters"): \(try paramsText(arch))"
            }
        }.joined(separator: "\n")
    }

    /// Values every architecture's placeholders take.
    func architectureValues(_ arch: Architecture) throws -> [String: String] {
        var v = common
        v["arch"] = options.encoding.render(arch, in: space)
        v["efficiency"] = try efficiencyText(arch)
        v["params"] = try paramsText(arch)
        v["efficiency_lines"] = try efficiencyLines(arch)
        return v
    }

    /// The demonstrations in the order the options ask for (stable: ties keep the data's order).
    public func ordered(_ demonstrations: [(Architecture, Double)], test: Architecture) throws -> [(
        Architecture, Double
    )] {
        switch options.demoOrder {
        case .data:
            return demonstrations
        case .efficiency, .efficiencyDescending:
            let byParams = options.efficiency.contains(.params)
            let sign = options.demoOrder == .efficiency ? 1.0 : -1.0
            let keys = try demonstrations.map { sign * (byParams ? try space.params($0.0) : try space.flops($0.0)) }
            return demonstrations.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }.map {
                demonstrations[$0]
            }
        case .nearestLast:
            guard let set = space.defaultFeatureSet else { return demonstrations }
            let t = try space.features(test, set: set)
            let d = try demonstrations.map { a, _ in
                zip(try space.features(a, set: set), t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            return demonstrations.indices.sorted { d[$0] != d[$1] ? d[$0] > d[$1] : $0 < $1 }.map { demonstrations[$0] }
        }
    }

    /// The shared part: role, instructions, definitions and demonstrations.
    public func prefix(demonstrations: [(Architecture, Double)]) throws -> String {
        var values = common
        values["n_demonstrations"] = String(demonstrations.count)
        var sections: [String] = []
        if options.role { sections.append(PromptTemplate.fill(template.role, values)) }
        let enabled = (1...5).filter { options.instructions.contains($0) }
        if !enabled.isEmpty {
            sections.append(
                enabled.enumerated().map { i, n in
                    "\(i + 1). " + PromptTemplate.fill(template.instructions[n - 1], values)
                }
                .joined(separator: "\n"))
        }
        if options.definitions {
            let lines = space.dimensions.map { "\($0.name): \($0.description)" }.joined(separator: "\n")
            values["definitions"] = lines
            sections.append(PromptTemplate.fill(template.definitions, values))
        }
        let demos = try demonstrations.map { arch, score -> String in
            var v = try architectureValues(arch)
            v["score"] = scoreText(score)
            return PromptTemplate.fill(template.demonstration, v)
        }
        values["demonstrations"] = demos.joined(separator: "\n\n")
        sections.append(PromptTemplate.fill(template.demonstrations, values))
        return sections.joined(separator: "\n\n")
    }

    public func messages(demonstrations: [(Architecture, Double)], test: Architecture) throws -> [ChatMessage] {
        let v = try architectureValues(test)
        let user =
            try prefix(demonstrations: try ordered(demonstrations, test: test)) + "\n\n"
            + PromptTemplate.fill(template.question, v)
        return [ChatMessage(.system, PromptTemplate.fill(template.system, common)), ChatMessage(.user, user)]
    }

    /// The short follow-up sent when an answer had no usable number.
    public func correction(for problem: String) -> ChatMessage {
        ChatMessage(
            .user,
            "That answer could not be used (\(problem)). Reply with only {\"\(metricKey)\": <number>}, "
                + "the \(task.metric) between \(Self.number(range.lowerBound)) and \(Self.number(range.upperBound))."
        )
    }
}
