import Foundation
import LLMPPCore

/// The editable prompt files of a space (`SampleSpaces/<id>/prompts/`). Placeholders are
/// `{{name}}`; single braces are literal text. Unknown placeholders and missing files are
/// errors naming the file.
public struct PromptTemplate: Sendable {
    public struct Settings: Sendable, Codable, Equatable {
        /// Multiplier from the space's FLOPs to the number the prompt shows (1e-9 for GFLOPs).
        public var efficiency_scale: Double
        public var efficiency_digits: Int
        public var score_digits: Int
        /// The truth metric of the demonstrations' scores (the paper used valid BLEU).
        public var demonstration_metric: String
        public var max_tokens: Int?
        /// Label of the FLOPs line (default "GFLOPS").
        public var efficiency_label: String?
        /// Parameters line: multiplier, digits, label and unit (defaults 1e-6, 1, "Parameters", "M").
        public var params_scale: Double?
        public var params_digits: Int?
        public var params_label: String?
        public var params_unit: String?
        /// Default efficiency lines ("gflops", "params" or "gflops,params"), demonstration order
        /// ("data", "efficiency", "efficiency-descending", "nearest-last") and architecture
        /// encoding ("lines", "json", "graph"); the command line overrides them.
        public var efficiency: String?
        public var demo_order: String?
        public var encoding: String?

        /// Digits a number is printed with (String(format:) traps far outside), answer tokens,
        /// and finite, positive scales.
        func checkRanges() throws {
            let digits = 0...12
            for (name, value) in [
                ("efficiency_digits", efficiency_digits), ("score_digits", score_digits),
                ("params_digits", params_digits ?? 1),
            ] where !digits.contains(value) {
                throw PromptError("\(name) must be in \(digits), got \(value)")
            }
            if let m = max_tokens, !(1...100_000).contains(m) {
                throw PromptError("max_tokens must be in 1...100000, got \(m)")
            }
            for (name, value) in [("efficiency_scale", efficiency_scale), ("params_scale", params_scale ?? 1e-6)]
            where !(value.isFinite && value > 0) {
                throw PromptError("\(name) must be a positive number, got \(value)")
            }
        }
    }

    public let directory: String
    public let settings: Settings
    public let system: String
    public let role: String
    /// Instructions 1...5 in order.
    public let instructions: [String]
    public let definitions: String
    public let demonstrations: String
    public let demonstration: String
    public let question: String

    public static let instructionFiles = [
        "instruction-1-dataset.txt", "instruction-2-examples.txt", "instruction-3-backbone.txt",
        "instruction-4-efficiency.txt", "instruction-5-concentrate.txt",
    ]
    static let allowed: [String: Set<String>] = {
        let common: Set<String> = [
            "task.kind", "task.dataset", "task.metric", "metric_key", "range.low", "range.high", "n_demonstrations",
        ]
        var m: [String: Set<String>] = [:]
        for f in ["system.txt", "role.txt"] + instructionFiles { m[f] = common }
        m["definitions.txt"] = common.union(["definitions"])
        m["demonstrations.txt"] = common.union(["demonstrations"])
        m["demonstration.txt"] = common.union(["arch", "efficiency", "params", "efficiency_lines", "score"])
        m["question.txt"] = common.union(["arch", "efficiency", "params", "efficiency_lines"])
        return m
    }()

    /// The largest prompt file read.
    static let maxFileBytes = 256 * 1024

    public static func load(space: SearchSpace) throws -> PromptTemplate {
        try load(directory: (space.directory as NSString).appendingPathComponent("prompts"))
    }

    public static func load(directory: String) throws -> PromptTemplate {
        func read(_ name: String) throws -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let d = FileHandle(forReadingAtPath: path).flatMap({ try? $0.read(upToCount: maxFileBytes + 1) })
            else { throw SpaceError(file: path, field: nil, problem: "missing or unreadable prompt file") }
            // Far above any prompt a context holds; a 32 MB file of placeholders rendered for minutes.
            guard d.count <= maxFileBytes else {
                throw SpaceError(file: path, field: nil, problem: "larger than \(maxFileBytes / 1024) KB")
            }
            guard let s = String(data: d, encoding: .utf8) else {
                throw SpaceError(file: path, field: nil, problem: "not UTF-8 text")
            }
            let text = s.hasSuffix("\n") ? String(s.dropLast()) : s
            for p in placeholders(in: text) where !(allowed[name]?.contains(p) ?? false) {
                throw SpaceError(
                    file: path, field: "{{\(p)}}",
                    problem:
                        "unknown placeholder (allowed here: \((allowed[name] ?? []).sorted().joined(separator: ", ")))")
            }
            return text
        }
        let settingsPath = (directory as NSString).appendingPathComponent("prompt.json")
        guard let sd = FileManager.default.contents(atPath: settingsPath) else {
            throw SpaceError(file: settingsPath, field: nil, problem: "missing prompt settings")
        }
        let settings: Settings
        do { settings = try JSONDecoder().decode(Settings.self, from: sd) } catch let e as DecodingError {
            throw SpaceLoader.decodingError(e, file: settingsPath, data: sd)
        }
        // A mistyped key ("scor_digits") was ignored, its setting silently left at the default.
        let known = Set(Mirror(reflecting: settings).children.compactMap(\.label))
        if let object = try? JSONSerialization.jsonObject(with: sd) as? [String: Any],
            let unknown = object.keys.filter({ !known.contains($0) }).sorted().first
        {
            throw SpaceError(
                file: settingsPath, field: unknown.escapingControlCharacters,
                problem: "not a prompt setting (they are: \(known.sorted().joined(separator: ", ")))")
        }
        do {
            try settings.checkRanges()
            _ = try settings.efficiency.map(EfficiencyLine.parse)
            if let o = settings.demo_order, DemoOrder(rawValue: o) == nil {
                throw PromptError(
                    "unknown demo_order '\(o)' (use \(DemoOrder.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if let e = settings.encoding, ArchitectureEncoding(rawValue: e) == nil {
                throw PromptError(
                    "unknown encoding '\(e)' (use \(ArchitectureEncoding.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
        } catch let e as PromptError {
            throw SpaceError(file: settingsPath, field: nil, problem: e.description)
        }
        return PromptTemplate(
            directory: directory, settings: settings, system: try read("system.txt"), role: try read("role.txt"),
            instructions: try instructionFiles.map(read), definitions: try read("definitions.txt"),
            demonstrations: try read("demonstrations.txt"), demonstration: try read("demonstration.txt"),
            question: try read("question.txt"))
    }

    /// The prompt options prompt.json sets as defaults (parts: all).
    public var defaultOptions: PromptOptions {
        PromptOptions(
            efficiency: (try? settings.efficiency.map(EfficiencyLine.parse)) ?? [.gflops],
            demoOrder: settings.demo_order.flatMap(DemoOrder.init(rawValue:)) ?? .data,
            encoding: settings.encoding.flatMap(ArchitectureEncoding.init(rawValue:)) ?? .lines)
    }

    static func placeholders(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            out.append(String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return out
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            out += rest[..<open.lowerBound]
            let key = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            out += values[key] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
