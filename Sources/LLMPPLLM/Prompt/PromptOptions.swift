import LLMPPCore

/// Which parts of the LLM-PP prompt are switched on. The paper's ablation ladder:
/// demonstrations only -> + role and definitions -> + dataset -> + task examples ->
/// + backbone -> + efficiency (GFLOPs) -> + concentrate on the demonstrations.
public struct PromptOptions: Sendable, Equatable, Hashable, Codable {
    public var role: Bool
    public var definitions: Bool
    /// Instructions 1...5 switched on.
    public var instructions: Set<Int>
    /// The efficiency lines under each architecture (the paper: GFLOPs only).
    public var efficiency: [EfficiencyLine]
    /// The order of the demonstrations (the paper: as the data lists them).
    public var demoOrder: DemoOrder
    /// How each architecture is written (the paper: `name: value` lines).
    public var encoding: ArchitectureEncoding

    public init(
        role: Bool = true, definitions: Bool = true, instructions: Set<Int> = [1, 2, 3, 4, 5],
        efficiency: [EfficiencyLine] = [.gflops], demoOrder: DemoOrder = .data, encoding: ArchitectureEncoding = .lines
    ) {
        self.encoding = encoding
        self.role = role
        self.definitions = definitions
        self.instructions = instructions
        self.efficiency = efficiency
        self.demoOrder = demoOrder
    }

    enum CodingKeys: String, CodingKey { case role, definitions, instructions, efficiency, demoOrder, encoding }

    /// Runs saved before the efficiency, order and encoding options existed used the paper's prompt.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            role: try c.decode(Bool.self, forKey: .role), definitions: try c.decode(Bool.self, forKey: .definitions),
            instructions: try c.decode(Set<Int>.self, forKey: .instructions),
            efficiency: try c.decodeIfPresent([EfficiencyLine].self, forKey: .efficiency) ?? [.gflops],
            demoOrder: try c.decodeIfPresent(DemoOrder.self, forKey: .demoOrder) ?? .data,
            encoding: try c.decodeIfPresent(ArchitectureEncoding.self, forKey: .encoding) ?? .lines)
    }

    public static let full = PromptOptions()

    public static let instructionNames = ["dataset", "examples", "backbone", "efficiency", "concentrate"]

    /// Step 0 (demonstrations only) to 6 (everything).
    public static func ladder(_ step: Int) -> PromptOptions {
        let s = max(0, min(6, step))
        return PromptOptions(role: s >= 1, definitions: s >= 1, instructions: Set((1...5).filter { $0 <= s - 1 }))
    }

    public static let ladderNames = [
        "demonstrations only", "+ role and definitions", "+ dataset", "+ task examples",
        "+ backbone", "+ efficiency (GFLOPs)", "+ concentrate",
    ]

    /// Parses "all", "none", or a comma list of role, definitions, dataset, examples, backbone,
    /// efficiency, concentrate (or instruction numbers 1-5).
    public static func parse(_ text: String) throws -> PromptOptions {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "all" { return .full }
        if t == "none" || t == "demos" || t.isEmpty {
            return PromptOptions(role: false, definitions: false, instructions: [])
        }
        var o = PromptOptions(role: false, definitions: false, instructions: [])
        for raw in t.split(separator: ",") {
            let item = raw.trimmingCharacters(in: .whitespaces)
            if item == "role" {
                o.role = true
            } else if item == "definitions" {
                o.definitions = true
            } else if let i = instructionNames.firstIndex(of: item) {
                o.instructions.insert(i + 1)
            } else if let n = Int(item), (1...5).contains(n) {
                o.instructions.insert(n)
            } else {
                throw PromptError(
                    "unknown prompt part '\(item)' (use role, definitions, \(instructionNames.joined(separator: ", ")), 1-5, all or none)"
                )
            }
        }
        return o
    }

    /// The parts switched on, e.g. "role,definitions,dataset,...".
    public var summary: String {
        var parts: [String] = []
        if role { parts.append("role") }
        if definitions { parts.append("definitions") }
        parts += instructions.sorted().map { Self.instructionNames[$0 - 1] }
        return parts.isEmpty ? "demonstrations only" : parts.joined(separator: ",")
    }

    /// Everything that shapes the prompt, for outputs: parts, efficiency lines, order.
    public var fullSummary: String {
        "\(summary); efficiency \(EfficiencyLine.text(efficiency)); order \(demoOrder.rawValue); encoding \(encoding.rawValue)"
    }
}

/// A line of efficiency figures shown under each architecture.
public enum EfficiencyLine: String, Sendable, Codable, CaseIterable, Hashable {
    /// FLOPs, scaled and labelled as prompt.json says (GFLOPS for HAT, MFLOPS for NB201).
    case gflops
    /// Parameters (without embeddings), e.g. `Parameters: 22.2M`.
    case params

    /// "gflops", "params" or "gflops,params".
    public static func parse(_ text: String) throws -> [EfficiencyLine] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !items.isEmpty else { throw PromptError("--efficiency needs gflops, params or gflops,params") }
        var out: [EfficiencyLine] = []
        for i in items {
            guard let e = EfficiencyLine(rawValue: i == "flops" ? "gflops" : i) else {
                throw PromptError("unknown efficiency line '\(i)' (use gflops, params or gflops,params)")
            }
            if !out.contains(e) { out.append(e) }
        }
        return out
    }

    public static func text(_ lines: [EfficiencyLine]) -> String { lines.map(\.rawValue).joined(separator: ",") }
}

/// The order of the demonstrations in the prompt.
public enum DemoOrder: String, Sendable, Codable, CaseIterable, Hashable {
    /// As the split lists them (the paper).
    case data
    /// Ascending by parameters when the prompt shows them, else by FLOPs.
    case efficiency
    /// Descending by the same key: the smallest architecture comes right before the test one.
    case efficiencyDescending = "efficiency-descending"
    /// Farthest first, nearest to the test architecture last (in the space's features).
    /// The prefix then differs per test architecture: no shared prompt cache.
    case nearestLast = "nearest-last"
}

public struct PromptError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ d: String) { description = d }
}
