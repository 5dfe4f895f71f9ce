/// Which parts of the LLM-PP prompt are switched on. The paper's ablation ladder:
/// demonstrations only -> + role and definitions -> + dataset -> + task examples ->
/// + backbone -> + efficiency (GFLOPs) -> + concentrate on the demonstrations.
public struct PromptOptions: Sendable, Equatable, Hashable, Codable {
    public var role: Bool
    public var definitions: Bool
    /// Instructions 1...5 switched on.
    public var instructions: Set<Int>

    public init(role: Bool = true, definitions: Bool = true, instructions: Set<Int> = [1, 2, 3, 4, 5]) {
        self.role = role; self.definitions = definitions; self.instructions = instructions
    }

    public static let full = PromptOptions()

    public static let instructionNames = ["dataset", "examples", "backbone", "efficiency", "concentrate"]

    /// Step 0 (demonstrations only) to 6 (everything).
    public static func ladder(_ step: Int) -> PromptOptions {
        let s = max(0, min(6, step))
        return PromptOptions(role: s >= 1, definitions: s >= 1, instructions: Set((1...5).filter { $0 <= s - 1 }))
    }

    public static let ladderNames = ["demonstrations only", "+ role and definitions", "+ dataset", "+ task examples",
                                     "+ backbone", "+ efficiency (GFLOPs)", "+ concentrate"]

    /// Parses "all", "none", or a comma list of role, definitions, dataset, examples, backbone,
    /// efficiency, concentrate (or instruction numbers 1-5).
    public static func parse(_ text: String) throws -> PromptOptions {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "all" { return .full }
        if t == "none" || t == "demos" || t.isEmpty { return PromptOptions(role: false, definitions: false, instructions: []) }
        var o = PromptOptions(role: false, definitions: false, instructions: [])
        for raw in t.split(separator: ",") {
            let item = raw.trimmingCharacters(in: .whitespaces)
            if item == "role" { o.role = true }
            else if item == "definitions" { o.definitions = true }
            else if let i = instructionNames.firstIndex(of: item) { o.instructions.insert(i + 1) }
            else if let n = Int(item), (1...5).contains(n) { o.instructions.insert(n) }
            else {
                throw PromptError("unknown prompt part '\(item)' (use role, definitions, \(instructionNames.joined(separator: ", ")), 1-5, all or none)")
            }
        }
        return o
    }

    public var summary: String {
        var parts: [String] = []
        if role { parts.append("role") }
        if definitions { parts.append("definitions") }
        parts += instructions.sorted().map { Self.instructionNames[$0 - 1] }
        return parts.isEmpty ? "demonstrations only" : parts.joined(separator: ",")
    }
}

public struct PromptError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ d: String) { description = d }
}
