import Foundation

/// The dimensions and layer groups of a space and everything that needs only them:
/// gene layout, validity, sampling, mutation, crossover, canonical text and ids.
public struct SpaceShape: Sendable {
    public let dimensions: [Dimension]
    public let groups: [LayerGroup]
    public let geneLength: Int
    let dimensionByKey: [String: Int]

    init(dimensions: [Dimension], groups: [LayerGroup]) {
        self.dimensions = dimensions
        self.groups = groups
        self.geneLength = dimensions.last.map { $0.geneOffset + $0.geneCount } ?? 0
        var byKey: [String: Int] = [:]
        for (i, d) in dimensions.enumerated() {
            byKey[d.name] = i
            byKey[d.alias] = i
        }
        self.dimensionByKey = byKey
    }

    public func dimensionIndex(_ nameOrAlias: String) -> Int? { dimensionByKey[nameOrAlias] }

    /// Number of active layers of a group in this architecture.
    public func layerCount(_ arch: Architecture, group: Int) -> Int {
        let g = groups[group]
        guard case .int(let n)? = choice(arch, g.countDimension) else { return 0 }
        return min(max(n, 0), g.max)
    }

    /// A scalar dimension's choice.
    public func choice(_ arch: Architecture, _ dimension: Int) -> ChoiceValue? {
        let d = dimensions[dimension]
        let g = arch.genes[d.geneOffset]
        return d.choices.indices.contains(g) ? d.choices[g] : nil
    }

    /// A per-layer dimension's choices on the active layers; a scalar's single choice.
    public func choices(_ arch: Architecture, _ dimension: Int) -> [ChoiceValue] {
        let d = dimensions[dimension]
        let n = d.group.map { layerCount(arch, group: $0) } ?? 1
        return (0..<n).map { d.choices[arch.genes[d.geneOffset + $0]] }
    }

    /// Number of distinct architectures (active parts only): a sum over every combination
    /// of layer counts, within which the other dimensions' choices multiply.
    public var size: Double {
        let countDims = Set(groups.map(\.countDimension))
        var combinations: [[Int]] = [[]]
        for g in groups {
            let options = dimensions[g.countDimension].choices.compactMap { c -> Int? in
                if case .int(let i) = c { return i } else { return nil }
            }
            combinations = combinations.flatMap { prefix in options.map { prefix + [$0] } }
        }
        return combinations.reduce(0.0) { total, counts in
            var p = 1.0
            for (i, d) in dimensions.enumerated() where !countDims.contains(i) {
                p *= d.group.map { pow(Double(d.choices.count), Double(counts[$0])) } ?? Double(d.choices.count)
            }
            return total + p
        }
    }

    // MARK: validity and operators

    public func isValid(_ arch: Architecture) -> Bool { validityProblem(arch) == nil }

    public func validityProblem(_ arch: Architecture) -> String? {
        guard arch.genes.count == geneLength else { return "\(arch.genes.count) genes, the space has \(geneLength)" }
        for d in dimensions {
            for s in 0..<d.geneCount where !d.choices.indices.contains(arch.genes[d.geneOffset + s]) {
                return "\(d.name): choice index \(arch.genes[d.geneOffset + s]) out of 0..<\(d.choices.count)"
            }
        }
        return nil
    }

    public func random(using rng: inout SeededGenerator) -> Architecture {
        var genes = [Int](repeating: 0, count: geneLength)
        for d in dimensions {
            for s in 0..<d.geneCount { genes[d.geneOffset + s] = rng.index(d.choices.count) }
        }
        return Architecture(genes: genes)
    }

    /// Each gene resampled uniformly with probability `p` (HAT's mutation).
    public func mutate(_ arch: Architecture, probability p: Double, using rng: inout SeededGenerator) -> Architecture {
        var genes = arch.genes
        for d in dimensions {
            for s in 0..<d.geneCount where rng.unit() < p {
                genes[d.geneOffset + s] = rng.index(d.choices.count)
            }
        }
        return Architecture(genes: genes)
    }

    /// Each gene from either parent with probability 1/2 (HAT's uniform crossover).
    public func crossover(_ a: Architecture, _ b: Architecture, using rng: inout SeededGenerator) -> Architecture {
        Architecture(genes: zip(a.genes, b.genes).map { rng.unit() < 0.5 ? $0 : $1 })
    }

    // MARK: text forms

    /// A dimension's value as text: a scalar as is, active layers joined by `separator`.
    public func text(of arch: Architecture, dimension: Int, separator: String) -> String {
        choices(arch, dimension).map(\.description).joined(separator: separator)
    }

    /// The data's `name: value` lines; per-layer values as `[a, b, c]` over the active layers.
    public func canonicalLines(_ arch: Architecture) -> [String] {
        dimensions.indices.map { i in
            let d = dimensions[i]
            let v =
                d.group == nil
                ? text(of: arch, dimension: i, separator: "")
                : "[" + text(of: arch, dimension: i, separator: ", ") + "]"
            return "\(d.name): \(v)"
        }
    }

    public func canonicalText(_ arch: Architecture) -> String { canonicalLines(arch).joined(separator: "\n") }

    /// Stable id: FNV-1a 64 of the canonical text, 12 hex digits. Same on every run and machine.
    public func id(_ arch: Architecture) -> String { StableHash.short(canonicalText(arch)) }

    /// Builds an architecture from dimension -> text (a scalar, or a per-layer list as
    /// `[a, b]` or `a;b`). Missing inactive layers take the first choice.
    public func architecture(from values: [Int: String]) throws -> Architecture {
        var genes = [Int](repeating: 0, count: geneLength)
        for (i, d) in dimensions.enumerated() where d.group == nil {
            guard let text = values[i] else { throw ArchitectureParseError("missing '\(d.name)'") }
            genes[d.geneOffset] = try choiceIndex(d, text.trimmingCharacters(in: .whitespaces))
        }
        let partial = Architecture(genes: genes)
        for (i, d) in dimensions.enumerated() {
            guard let g = d.group else { continue }
            guard let text = values[i] else { throw ArchitectureParseError("missing '\(d.name)'") }
            let items = Self.splitList(text)
            let n = layerCount(partial, group: g)
            guard items.count == n else {
                throw ArchitectureParseError(
                    "'\(d.name)' has \(items.count) value\(items.count == 1 ? "" : "s"); \(groups[g].name) has \(n) layer\(n == 1 ? "" : "s")"
                )
            }
            for (l, item) in items.enumerated() { genes[d.geneOffset + l] = try choiceIndex(d, item) }
        }
        return Architecture(genes: genes)
    }

    /// Parses `name: value` lines (names or aliases; order free; blank lines ignored).
    public func parse(_ text: String) throws -> Architecture {
        var values: [Int: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw ArchitectureParseError("'\(line)' is not a 'name: value' line")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard let d = dimensionIndex(key) else { throw ArchitectureParseError("unknown dimension '\(key)'") }
            guard values[d] == nil else { throw ArchitectureParseError("'\(key)' given twice") }
            values[d] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return try architecture(from: values)
    }

    static func splitList(_ text: String) -> [String] {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("[") && t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        if t.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        return t.split(whereSeparator: { $0 == "," || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func choiceIndex(_ d: Dimension, _ text: String) throws -> Int {
        guard let i = d.choiceIndex(of: text) else {
            throw ArchitectureParseError(
                "'\(d.name)': '\(text)' is not one of \(d.choices.map(\.description).joined(separator: ", "))")
        }
        return i
    }
}

public struct ArchitectureParseError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ d: String) { description = d }
}
